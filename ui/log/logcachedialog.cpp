#include "ui/log/logcachedialog.h"

#include "core/log/logindexcache.h"
#include "ui/common/settings.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace rwb {

LogCacheDialog::LogCacheDialog(QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Log Index Cache"));
    auto* intro = new QLabel(tr("Opening a log again loads its index from this cache instead of reading the whole "
                                "file; a log that grew has only its new lines indexed. The least recently used "
                                "indexes are deleted to stay under the size limit. The rwb command line uses the "
                                "same cache and limit."),
        this);
    intro->setWordWrap(true);
    m_cap = new QSpinBox(this);
    m_cap->setRange(0, 1024 * 1024);
    m_cap->setSingleStep(256);
    m_cap->setSuffix(tr(" MB"));
    m_cap->setSpecialValueText(tr("Off"));
    m_cap->setValue(int(std::min<qint64>(Settings::logIndexCacheMegabytes(), m_cap->maximum())));
    m_cap->setToolTip(tr("0 turns the cache off. The environment variable %1 overrides this setting.")
                          .arg(QLatin1String(LogIndexCache::kEnvMaxMegabytes)));
    auto* folder = new QLabel(QDir::toNativeSeparators(LogIndexCache::defaultDirectory()), this);
    folder->setTextInteractionFlags(Qt::TextSelectableByMouse);
    folder->setWordWrap(true);
    m_usage = new QLabel(this);
    auto* clear = new QPushButton(tr("Clear Cache"), this);
    connect(clear, &QPushButton::clicked, this, [this] {
        LogIndexCache::trim(LogIndexCache::defaultDirectory(), 0);
        updateUsage();
    });
    auto* form = new QFormLayout;
    form->addRow(tr("Size limit:"), m_cap);
    form->addRow(tr("Folder:"), folder);
    form->addRow(tr("In use:"), m_usage);
    form->addRow(QString(), clear);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        apply();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addStretch(1);
    layout->addWidget(buttons);
    setMinimumWidth(460);
    updateUsage();
}

void LogCacheDialog::apply()
{
    Settings::setLogIndexCacheMegabytes(m_cap->value());
    LogIndexCache::trim(LogIndexCache::defaultDirectory(), qint64(m_cap->value()) << 20);
    updateUsage();
}

void LogCacheDialog::updateUsage()
{
    const QFileInfoList files
        = QDir(LogIndexCache::defaultDirectory()).entryInfoList({ QStringLiteral("*.rwbidx") }, QDir::Files);
    qint64 bytes = 0;
    for (const QFileInfo& f : files)
        bytes += f.size();
    m_usage->setText(tr("%1 index files, %2").arg(files.size()).arg(QLocale().formattedDataSize(bytes)));
}

} // namespace rwb
