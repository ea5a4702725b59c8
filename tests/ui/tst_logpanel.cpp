// The log panel over a real JSONL file written from a simulated run: model contract, queries
// (row counts, error marking, history), detail pane, "show in chart".

#include "tst_chartfixture.h"

#include "core/log/eventcodec.h"
#include "ui/log/logdetailpane.h"
#include "ui/log/logpanel.h"
#include "ui/log/logquerybar.h"
#include "ui/log/logtablemodel.h"
#include "ui/log/logtableview.h"

#include <QAbstractItemModelTester>
#include <QClipboard>
#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <vector>

using namespace rwb;

namespace {
constexpr qint64 kOrigin = 1767225600000; // 2026-01-01T00:00:00Z

// A log of `lines` lines "{}" at `path`; `path`, or empty when it cannot be written.
QString writeEmptyObjects(const QString& path, qint64 lines)
{
    QFile file(path);
    const QByteArray out = QByteArray("{}\n").repeated(lines);
    return file.open(QIODevice::WriteOnly) && file.write(out) == out.size() ? path : QString();
}
} // namespace

class TestLogPanel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_run = testing::runDemo(60);
        m_path = m_dir.filePath(QStringLiteral("run.jsonl"));
        QFile file(m_path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QByteArray out;
        for (const Event& e : m_run.events)
            eventcodec::encode(e, kOrigin + std::chrono::duration_cast<std::chrono::milliseconds>(e.time.time_since_epoch()).count(), out);
        out += "this line is not json\n";
        QVERIFY(file.write(out) == out.size());
        m_lines = static_cast<qint64>(m_run.events.size()) + 1;
    }

    void opensAndPassesModelTester()
    {
        LogPanel panel;
        new QAbstractItemModelTester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest, &panel);
        QString error;
        QVERIFY2(panel.openFile(m_path, &error), qPrintable(error));
        QTRY_COMPARE(qint64(panel.model()->rowCount()), m_lines);
        QTRY_VERIFY(!panel.logIndex()->isIndexing());
        // columns come from the index; the message from the line
        const Event& first = m_run.events.front();
        QCOMPARE(panel.model()->index(0, LogTableModel::Agent).data().toString(), first.source);
        QCOMPARE(panel.model()->index(0, LogTableModel::Message).data().toString(), eventcodec::messageFor(first));
        QCOMPARE(panel.model()->index(0, LogTableModel::Level).data().toString(), toString(eventcodec::levelFor(first)));
        QCOMPARE(panel.model()->index(int(m_lines - 1), LogTableModel::Level).data().toString(), QStringLiteral("MALFORMED"));
    }

    // Rows that arrive together (an index read whole from its cache) are one announcement; rows that
    // arrive later are announced at most once per kAnnounceIntervalMs, so the view repaints and the
    // footer is rewritten at most 20 times a second while a log opens.
    void aBulkOfRowsIsOneAnnouncementAndLaterOnesAreSpaced()
    {
        const qint64 lines = 300000;
        const QString path = writeEmptyObjects(m_dir.filePath(QStringLiteral("spaced.jsonl")), lines);
        QVERIFY(!path.isEmpty());
        LogIndex index;
        LogTableModel model;
        new QAbstractItemModelTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest, &model);
        model.setIndex(&index);
        QElapsedTimer clock;
        clock.start();
        struct Announcement {
            qint64 atNs;
            int rows;
        };
        std::vector<Announcement> announced;
        connect(&model, &QAbstractItemModel::rowsInserted, this, [&](const QModelIndex&, int first, int last) {
            announced.push_back({clock.nsecsElapsed(), last - first + 1});
        });
        LogIndex::Options options;
        options.threads = 1;
        QVERIFY(index.open(path, options));
        index.waitForFinished(); // every row is published before the model hears of any
        QTRY_COMPARE(qint64(model.rowCount()), lines);
        QCOMPARE(announced.size(), std::size_t(1));
        QCOMPARE(announced.front().rows, int(lines));

        // lines appended right after: announced no sooner than the interval after the first ones
        QFile file(path);
        QVERIFY(file.open(QIODevice::Append));
        QVERIFY(file.write("{}\n{}\n{}\n") == 9);
        file.close();
        QVERIFY(index.poll());
        QTRY_COMPARE(qint64(model.rowCount()), lines + 3);
        QCOMPARE(announced.size(), std::size_t(2));
        const qint64 gapNs = announced[1].atNs - announced[0].atNs;
        QVERIFY2(gapNs >= qint64(LogTableModel::kAnnounceIntervalMs) * 1000000, qPrintable(QString::number(gapNs)));
    }

    void queryRowCount_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<qint64>("expected");
        qint64 warnings = 0, transitions = 0, payments = 0;
        for (const Event& e : m_run.events) {
            warnings += eventcodec::levelFor(e) >= LogLevel::Warning;
            transitions += e.kind == EventKind::BreakerTransition;
            payments += e.source == QLatin1String("payments") && e.kind == EventKind::RetryScheduled;
        }
        QVERIFY(warnings > 0 && transitions > 0 && payments > 0);
        QTest::newRow("level") << QStringLiteral("level>=WARNING") << warnings;
        QTest::newRow("event column") << QStringLiteral("extra.event=breaker_transition") << transitions;
        QTest::newRow("and") << QStringLiteral("agent=payments and event=retry_scheduled") << payments;
        QTest::newRow("everything") << QString() << m_lines;
    }

    void queryRowCount()
    {
        QFETCH(QString, query);
        QFETCH(qint64, expected);
        LogPanel panel;
        new QAbstractItemModelTester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest, &panel);
        QVERIFY(panel.openFile(m_path));
        QTRY_VERIFY(!panel.logIndex()->isIndexing());
        QSignalSpy finished(&panel, &LogPanel::queryFinished);
        // typed, as a user would, then Enter
        panel.queryBar()->setFocus();
        QTest::keyClicks(panel.queryBar(), query);
        QTest::keyClick(panel.queryBar(), Qt::Key_Return);
        QTRY_VERIFY(!finished.isEmpty());
        QTRY_VERIFY(!panel.isQueryRunning());
        QTRY_COMPARE(qint64(panel.model()->rowCount()), expected);
        QVERIFY(!panel.queryBar()->hasError());
        if (!query.isEmpty())
            QCOMPARE(panel.queryBar()->history().value(0), query);
    }

    void queryErrorIsMarked()
    {
        LogPanel panel;
        QVERIFY(panel.openFile(m_path));
        QTRY_VERIFY(!panel.logIndex()->isIndexing());
        const int before = panel.model()->rowCount();
        panel.setQuery(QStringLiteral("level>=WARNING and (agent="));
        QVERIFY(panel.queryBar()->hasError());
        QVERIFY(panel.queryBar()->errorColumn() > 1);
        QVERIFY(!panel.queryBar()->errorMessage().isEmpty());
        QCOMPARE(panel.model()->rowCount(), before); // the previous rows stay
        // editing clears the mark
        QTest::keyClick(panel.queryBar(), Qt::Key_Backspace);
        QVERIFY(!panel.queryBar()->hasError());
    }

    void detailAndShowInChart()
    {
        LogPanel panel;
        QVERIFY(panel.openFile(m_path));
        QTRY_VERIFY(!panel.logIndex()->isIndexing());
        panel.setTimeOrigin(kOrigin);
        panel.setQuery(QStringLiteral("event=breaker_transition"));
        QTRY_VERIFY(!panel.isQueryRunning());
        QTRY_VERIFY(panel.model()->rowCount() > 0);
        const Event* transition = nullptr;
        for (const Event& e : m_run.events)
            if (e.kind == EventKind::BreakerTransition) {
                transition = &e;
                break;
            }
        QVERIFY(transition);
        panel.resize(900, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QSignalSpy chart(&panel, &LogPanel::showInChart);
        panel.tableView()->setCurrentIndex(panel.model()->index(0, 0));
        QVERIFY(panel.detailPane()->prettyText().contains(QStringLiteral("\"breaker_transition\"")));
        QVERIFY(panel.detailPane()->prettyText().contains(QStringLiteral("\n    \"extra\": {")));
        const QPoint cell = panel.tableView()->visualRect(panel.model()->index(0, 1)).center();
        QTest::mouseClick(panel.tableView()->viewport(), Qt::LeftButton, {}, cell);
        QTest::mouseDClick(panel.tableView()->viewport(), Qt::LeftButton, {}, cell);
        QCOMPARE(chart.size(), 1);
        // timestamps have millisecond precision
        QVERIFY(std::abs(chart.at(0).at(0).toDouble() - toSeconds(transition->time)) < 0.0011);

        // Ctrl+C copies the line as it is in the file, not one cell
        QGuiApplication::clipboard()->clear();
        panel.tableView()->setFocus();
        QTest::keyClick(panel.tableView(), Qt::Key_C, Qt::ControlModifier);
        const QByteArray line = panel.logIndex()->line(panel.model()->lineAt(0));
        QVERIFY(line.contains("\"breaker_transition\""));
        QCOMPARE(QGuiApplication::clipboard()->text(), QString::fromUtf8(line));
    }

    // Presenter mode's larger font widens the columns with it: timestamps are not cut short.
    void columnsFollowTheFont()
    {
        LogPanel panel;
        const int before = panel.tableView()->columnWidth(LogTableModel::Time);
        QFont big = panel.font();
        big.setPointSizeF(big.pointSizeF() * 1.6);
        panel.setFont(big);
        const int after = panel.tableView()->columnWidth(LogTableModel::Time);
        QVERIFY2(after > before, qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(after)));
        const QString stamp = LogTableModel::formatTimestamp(1767225600123);
        QVERIFY(panel.tableView()->fontMetrics().horizontalAdvance(stamp) < after);
    }

    void millionRows()
    {
        const QString path = m_dir.filePath(QStringLiteral("big.jsonl"));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            QByteArray chunk;
            const qint64 lines = 1000000;
            for (qint64 i = 0; i < lines; ++i) {
                chunk += "{\"timestamp\":\"2026-01-01T00:00:00.000Z\",\"level\":\"";
                chunk += i % 50 == 0 ? "ERROR" : "INFO";
                chunk += "\",\"agent\":\"a";
                chunk += QByteArray::number(i % 7);
                chunk += "\",\"message\":\"line ";
                chunk += QByteArray::number(i);
                chunk += "\"}\n";
                if (chunk.size() > (1 << 20)) {
                    QVERIFY(file.write(chunk) == chunk.size());
                    chunk.clear();
                }
            }
            QVERIFY(file.write(chunk) == chunk.size());
        }
        LogPanel panel;
        panel.resize(900, 600);
        panel.show();
        QElapsedTimer opening;
        opening.start();
        QVERIFY(panel.openFile(path));
        QTRY_VERIFY(panel.model()->rowCount() > 0);
        const qint64 firstRowsMs = opening.elapsed();
        QTRY_COMPARE_WITH_TIMEOUT(panel.model()->rowCount(), 1000000, 60000);
        qInfo("1M lines: first rows after %lld ms, all indexed after %lld ms", firstRowsMs, qint64(opening.elapsed()));
        // the last row is served straight from the index
        panel.tableView()->scrollToBottom();
        QCOMPARE(panel.model()->index(999999, LogTableModel::Message).data().toString(), QStringLiteral("line 999999"));
        panel.setQuery(QStringLiteral("level=ERROR and agent=a3"));
        QTRY_VERIFY_WITH_TIMEOUT(!panel.isQueryRunning(), 60000);
        qint64 expected = 0;
        for (qint64 i = 0; i < 1000000; ++i)
            expected += i % 50 == 0 && i % 7 == 3;
        QTRY_COMPARE(qint64(panel.model()->rowCount()), expected);
    }

private:
    QTemporaryDir m_dir;
    testing::DemoRun m_run;
    QString m_path;
    qint64 m_lines = 0;
};

QTEST_MAIN(TestLogPanel)
#include "tst_logpanel.moc"
