#include "ui/shell/interopexportdialog.h"

#include "core/config/scenariojson.h"
#include "ui/common/settings.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

namespace rwb {

InteropExportDialog::InteropExportDialog(
    const QJsonObject& scenario, InteropFormat format, const QString& baseName, QWidget* parent)
    : QDialog(parent)
    , m_format(format)
    , m_baseName(baseName)
{
    setWindowTitle(tr("Export Pipeline to %1").arg(interopTitle(format)));
    const ScenarioLoad loaded = scenariojson::fromJson(scenario);
    m_scenario = loaded.scenario;

    m_pipeline = new QComboBox(this);
    if (m_scenario)
        for (const auto& p : m_scenario->pipelines)
            m_pipeline->addItem(p.name());
    m_preview = new QPlainTextEdit(this);
    m_preview->setReadOnly(true);
    m_preview->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_preview->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_warnings = new QListWidget(this);
    m_warnings->setWordWrap(true);
    m_warnings->setAlternatingRowColors(true);
    m_warningsTitle = new QLabel(this);

    auto* lower = new QWidget(this);
    auto* lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    lowerLayout->addWidget(m_warningsTitle);
    lowerLayout->addWidget(m_warnings);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_preview);
    split->addWidget(lower);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_save = buttons->addButton(tr("&Save…"), QDialogButtonBox::AcceptRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_save, &QPushButton::clicked, this, &InteropExportDialog::save);

    auto* form = new QFormLayout;
    form->addRow(tr("&Pipeline:"), m_pipeline);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(split, 1);
    layout->addWidget(
        new QLabel(tr("Each warning names one of our settings the format only approximates or cannot express "
                      "(the tables are in docs/interop.md)."),
            this));
    layout->addWidget(buttons);
    resize(820, 640);

    connect(m_pipeline, &QComboBox::currentIndexChanged, this, &InteropExportDialog::refresh);
    if (!m_scenario) {
        m_preview->setPlainText(
            loaded.errors.empty() ? tr("The scenario does not load.") : loaded.errors.front().toString());
        m_save->setEnabled(false);
    }
    refresh();
}

QString InteropExportDialog::previewText() const
{
    return m_preview->toPlainText();
}

QStringList InteropExportDialog::warnings() const
{
    QStringList out;
    for (int i = 0; i < m_warnings->count(); ++i)
        out << m_warnings->item(i)->text();
    return out;
}

bool InteropExportDialog::selectPipeline(const QString& name)
{
    const int i = m_pipeline->findText(name);
    if (i < 0)
        return false;
    m_pipeline->setCurrentIndex(i);
    return true;
}

void InteropExportDialog::refresh()
{
    m_warnings->clear();
    const PipelineSpec* spec = m_scenario ? m_scenario->pipeline(m_pipeline->currentText()) : nullptr;
    m_save->setEnabled(spec != nullptr);
    if (!spec)
        return;
    const InteropExport exported = interop::exportPipeline(*spec, m_format);
    m_text = exported.text;
    m_preview->setPlainText(QString::fromUtf8(m_text));
    m_warnings->addItems(exported.warnings);
    m_warningsTitle->setText(exported.warnings.isEmpty()
            ? tr("No warnings: every setting maps exactly.")
            : tr("%n warning(s):", nullptr, int(exported.warnings.size())));
}

void InteropExportDialog::save()
{
    const QString suggested = QDir(Settings::lastDirectory())
                                  .filePath(m_baseName + QLatin1Char('-') + m_pipeline->currentText() + QLatin1Char('.')
                                      + interopSuffix(m_format));
    const QString path = QFileDialog::getSaveFileName(this, windowTitle(), suggested,
        tr("%1 (*.%2);;All files (*)").arg(interopTitle(m_format), interopSuffix(m_format)));
    if (path.isEmpty())
        return;
    Settings::setLastDirectory(QFileInfo(path).absolutePath());
    m_save->setEnabled(false);
    m_saves.start(
        [bytes = m_text, path] {
            QString error;
            interop::saveFile(bytes, path, &error);
            return error;
        },
        [this, path](const QString& error) {
            m_save->setEnabled(true);
            if (!error.isEmpty())
                QMessageBox::warning(this, windowTitle(), tr("Could not save: %1").arg(error));
            else
                m_warningsTitle->setText(m_warningsTitle->text() + QLatin1Char(' ')
                    + tr("Saved to %1.").arg(QDir::toNativeSeparators(path)));
        });
}

QMenu* createInteropExportMenu(
    QWidget* window, std::function<QJsonObject()> scenario, std::function<QString()> baseName)
{
    auto* menu = new QMenu(QObject::tr("Export &Pipeline To"), window);
    menu->setToolTipsVisible(true);
    for (InteropFormat format : allInteropFormats()) {
        QAction* action = menu->addAction(interopTitle(format) + QStringLiteral("…"));
        action->setToolTip(QObject::tr("Preview a pipeline in this format with its warnings, and save it"));
        QObject::connect(action, &QAction::triggered, window, [window, format, scenario, baseName] {
            auto* dialog = new InteropExportDialog(scenario(), format, baseName(), window);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->show();
        });
    }
    return menu;
}

} // namespace rwb
