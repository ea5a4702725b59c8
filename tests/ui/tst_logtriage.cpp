// Log triage in the log panel, as in lnav / klogg: sortable columns, go to line, next / previous
// error, next malformed line, invalid UTF-8 lines counted in the footer, the lines shown exported
// as JSONL and CSV. Over a JSONL file written from a simulated run plus damaged lines.

#include "tst_chartfixture.h"

#include "core/log/eventcodec.h"
#include "ui/log/logpanel.h"
#include "ui/log/logquerybar.h"
#include "ui/log/logtablemodel.h"
#include "ui/log/logtableview.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace rwb;

namespace {
constexpr qint64 kOrigin = 1767225600000; // 2026-01-01T00:00:00Z

/// The index row findNext() selected, or -1 when it found none.
qint64 found(LogPanel& panel, LogPanel::Find what, bool forward = true)
{
    return panel.findNext(what, forward).value_or(RowIndex(-1)).value;
}
}

class TestLogTriage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_run = testing::runDemo(40);
        m_path = m_dir.filePath(QStringLiteral("run.jsonl"));
        QFile file(m_path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QByteArray out;
        for (std::size_t i = 0; i < m_run.events.size(); ++i) {
            const Event& e = m_run.events[i];
            eventcodec::encode(e, kOrigin + std::chrono::duration_cast<std::chrono::milliseconds>(e.time.time_since_epoch()).count(), out);
            if (i == 100) {
                out += "this line is not json\n"; // line 102
                m_malformed.push_back(101);
            }
        }
        // a line with bytes that are not UTF-8, and a truncated last line
        out += "{\"timestamp\": \"2026-01-01T00:01:00.000Z\", \"level\": \"INFO\", \"message\": \"caf\xe9\"}\n";
        m_invalidUtf8Line = qint64(m_run.events.size()) + 1;
        out += "{\"timestamp\": \"2026-01-01T00:01:00";
        m_malformed.push_back(qint64(m_run.events.size()) + 2);
        QVERIFY(file.write(out) == out.size());
        m_lines = qint64(m_run.events.size()) + 3;
        for (const Event& e : m_run.events)
            m_errors += eventcodec::levelFor(e) >= LogLevel::Error;
        QVERIFY(m_errors > 0); // the outage fails requests
    }

    void footerCountsMalformedAndInvalidUtf8()
    {
        LogPanel panel;
        QVERIFY(panel.openFile(m_path));
        QTRY_VERIFY(!panel.logIndex()->isIndexing());
        QTRY_COMPARE(qint64(panel.model()->rowCount()), m_lines);
        // the footer is rewritten when the index's finished() signal arrives, which may be after the above
        const auto footer = [&] {
            QStringList texts;
            for (const QLabel* l : panel.findChildren<QLabel*>())
                texts << l->text();
            return texts.filter(QStringLiteral("lines")).value(0);
        };
        QTRY_VERIFY2(footer().contains(QStringLiteral("2 malformed (first at line 102)")), qPrintable(footer()));
        QVERIFY2(footer().contains(QStringLiteral("1 with invalid UTF-8")), qPrintable(footer()));
    }

    void goToLineAndFindErrors()
    {
        LogPanel panel;
        QVERIFY(panel.openFile(m_path));
        QTRY_VERIFY(!panel.logIndex()->isIndexing());
        QTRY_COMPARE(qint64(panel.model()->rowCount()), m_lines); // every row announced to the model
        QVERIFY(panel.goToLine(LineNumber(50)));
        QCOMPARE(panel.model()->lineAt(panel.tableView()->currentIndex().row()).value, qint64(49));
        QVERIFY(!panel.goToLine(LineNumber(m_lines + 1)));

        // next error from the top visits every ERROR line in order, then wraps
        panel.tableView()->setCurrentIndex({});
        std::vector<qint64> visited;
        for (int i = 0; i < m_errors; ++i) {
            const std::optional<RowIndex> line = panel.findNext(LogPanel::Find::Error);
            QVERIFY(line);
            QVERIFY(panel.logIndex()->row(*line).level >= LogLevel::Error);
            QVERIFY(visited.empty() || line->value > visited.back());
            visited.push_back(line->value);
        }
        QCOMPARE(found(panel, LogPanel::Find::Error), visited.front()); // wrapped around
        QCOMPARE(found(panel, LogPanel::Find::Error, false), visited.back()); // and back again

        // malformed lines from the top: the broken one and the truncated last line
        panel.tableView()->setCurrentIndex({});
        QCOMPARE(found(panel, LogPanel::Find::Malformed), m_malformed[0]);
        QCOMPARE(found(panel, LogPanel::Find::Malformed), m_malformed[1]);
        QCOMPARE(found(panel, LogPanel::Find::Malformed), m_malformed[0]);

        // within a filter, go to line refuses a line filtered out
        QSignalSpy done(&panel, &LogPanel::queryFinished);
        panel.setQuery(QStringLiteral("level>=ERROR"));
        QTRY_VERIFY(!done.isEmpty() && done.last().at(0).toLongLong() >= 0 && !panel.isQueryRunning());
        QCOMPARE(panel.model()->rowCount(), m_errors);
        QVERIFY(!panel.goToLine(LineNumber(50)));
        QVERIFY(panel.goToLine(toLineNumber(RowIndex(visited[1]))));
    }

    void sortsColumnsAndReturnsToFileOrder()
    {
        LogPanel panel;
        new QAbstractItemModelTester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest, &panel);
        QVERIFY(panel.openFile(m_path));
        QTRY_VERIFY(!panel.logIndex()->isIndexing());
        QTRY_COMPARE(qint64(panel.model()->rowCount()), m_lines);
        QSignalSpy sorted(&panel, &LogPanel::sorted);

        panel.sortByColumn(LogTableModel::Level, Qt::DescendingOrder);
        QTRY_COMPARE(sorted.count(), 1);
        QVERIFY(!panel.model()->inFileOrder());
        QCOMPARE(qint64(panel.model()->rowCount()), m_lines);
        LogLevel previous = LogLevel::Critical;
        for (int r = 0; r < panel.model()->rowCount(); ++r) {
            const LogLevel level = LogLevel(panel.model()->index(r, 0).data(LogTableModel::LevelRole).toInt());
            QVERIFY(level <= previous);
            previous = level;
        }
        QCOMPARE(int(LogLevel(panel.model()->index(0, 0).data(LogTableModel::LevelRole).toInt())), int(LogLevel::Error));

        panel.sortByColumn(LogTableModel::Agent, Qt::AscendingOrder);
        QTRY_COMPARE(sorted.count(), 2);
        QString last;
        for (int r = 0; r < panel.model()->rowCount(); ++r) {
            const QString agent = panel.model()->index(r, LogTableModel::Agent).data().toString();
            QVERIFY2(last <= agent, qPrintable(last + QStringLiteral(" > ") + agent));
            last = agent;
        }
        // clicking the header a third time (ascending, descending, off) returns to file order
        panel.clearSort();
        QVERIFY(panel.model()->inFileOrder());
        for (int r = 0; r < 100; ++r)
            QCOMPARE(panel.model()->lineAt(r).value, qint64(r));
    }

    void exportsTheLinesShown_data()
    {
        QTest::addColumn<bool>("csv");
        QTest::newRow("jsonl") << false;
        QTest::newRow("csv") << true;
    }

    void exportsTheLinesShown()
    {
        QFETCH(bool, csv);
        LogPanel panel;
        QVERIFY(panel.openFile(m_path));
        QTRY_VERIFY(!panel.logIndex()->isIndexing());
        QTRY_COMPARE(qint64(panel.model()->rowCount()), m_lines);
        QSignalSpy done(&panel, &LogPanel::queryFinished);
        panel.setQuery(QStringLiteral("level>=ERROR"));
        QTRY_VERIFY(!done.isEmpty() && !panel.isQueryRunning() && panel.model()->rowCount() == m_errors);
        QSignalSpy exported(&panel, &LogPanel::exported);
        const QString out = m_dir.filePath(csv ? QStringLiteral("errors.csv") : QStringLiteral("errors.jsonl"));
        panel.exportShown(out, csv);
        QTRY_COMPARE(exported.count(), 1);
        QCOMPARE(exported.at(0).at(1).toString(), QString());
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(lines.size() - 1, m_errors + (csv ? 1 : 0)); // the last split is after the final newline
        if (csv) {
            QCOMPARE(lines.front(), QByteArray("line,timestamp,level,agent,task_id,message"));
            QVERIFY(lines[1].contains(",ERROR,"));
        } else {
            for (int i = 0; i < m_errors; ++i) {
                const QByteArray original = panel.logIndex()->line(panel.model()->lineAt(i));
                QCOMPARE(lines[i], original); // the lines as they are in the file
            }
        }
    }

private:
    QTemporaryDir m_dir;
    testing::DemoRun m_run;
    QString m_path;
    qint64 m_lines = 0;
    int m_errors = 0;
    qint64 m_invalidUtf8Line = 0;
    std::vector<qint64> m_malformed;
};

QTEST_MAIN(TestLogTriage)
#include "tst_logtriage.moc"
