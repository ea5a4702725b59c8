// File › Export Pipeline To › <format>: the preview is the exporter's text for the chosen pipeline and
// the warnings list is its warnings; switching pipelines re-exports.
#include "core/config/demos.h"
#include "ui/shell/interopexportdialog.h"

#include <QListWidget>
#include <QMenu>
#include <QTest>

using namespace rwb;

class TestInteropExportDialog : public QObject {
    Q_OBJECT

private slots:
    void previewAndWarningsFollowThePipeline_data()
    {
        QTest::addColumn<int>("format");
        for (InteropFormat f : allInteropFormats())
            QTest::newRow(qPrintable(toString(f))) << int(f);
    }
    void previewAndWarningsFollowThePipeline()
    {
        QFETCH(int, format);
        const ScenarioLoad demo = demos::load(QStringLiteral("outage-recovery"));
        QVERIFY(demo.ok());
        InteropExportDialog dialog(scenariojson::toJson(*demo.scenario), InteropFormat(format), QStringLiteral("outage"));
        for (const auto& p : demo.scenario->pipelines) {
            QVERIFY(dialog.selectPipeline(p.name()));
            const InteropExport expected = interop::exportPipeline(p, InteropFormat(format));
            QCOMPARE(dialog.previewText(), QString::fromUtf8(expected.text));
            QCOMPARE(dialog.warnings(), expected.warnings);
        }
        QVERIFY(!dialog.selectPipeline(QStringLiteral("no such pipeline")));
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(!dialog.grab().isNull());
    }

    void menuHasOneEntryPerFormat()
    {
        QWidget window;
        QMenu* menu = createInteropExportMenu(
            &window, [] { return QJsonObject(); }, [] { return QStringLiteral("x"); });
        QCOMPARE(menu->actions().size(), qsizetype(allInteropFormats().size()));
        QVERIFY(menu->actions().front()->text().startsWith(QStringLiteral("Resilience4j")));
    }
};

QTEST_MAIN(TestInteropExportDialog)
#include "tst_interopexportdialog.moc"
