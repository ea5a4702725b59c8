// The log detail pane: pretty JSON for ordinary lines; bounded time, a shortened view and "Show all" /
// "Copy line" for multi-megabyte lines.

#include "ui/log/logdetailpane.h"

#include <QApplication>
#include <QClipboard>
#include <QElapsedTimer>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTest>
#include <QTextBlock>

using namespace rwb;

namespace {

QByteArray lineWithMessage(qsizetype messageBytes, char fill = 'x')
{
    return "{\"timestamp\": \"2026-01-03T15:30:00.000+00:00\", \"level\": \"INFO\", \"message\": \""
        + QByteArray(messageBytes, fill) + "\", \"extra\": {\"event\": \"attempt\"}}";
}

int longestBlock(const QPlainTextEdit* view)
{
    int longest = 0;
    for (QTextBlock b = view->document()->begin(); b.isValid(); b = b.next())
        longest = std::max(longest, b.length());
    return longest;
}

/// Shows the pane and makes it lay out and paint what is visible.
qint64 paintMs(LogDetailPane& pane)
{
    QElapsedTimer timer;
    timer.start();
    pane.repaint();
    pane.textView()->viewport()->repaint();
    QApplication::processEvents();
    return timer.elapsed();
}

QPushButton* button(const LogDetailPane& pane, const QString& text)
{
    for (QPushButton* b : pane.findChildren<QPushButton*>())
        if (b->text() == text)
            return b;
    return nullptr;
}

} // namespace

class TestLogDetailPane : public QObject {
    Q_OBJECT
private slots:
    void prettyPrintsOrdinaryLines()
    {
        LogDetailPane pane;
        pane.showLine(lineWithMessage(10), LineNumber(7));
        QVERIFY(!pane.isShortened());
        QVERIFY(pane.prettyText().startsWith(QStringLiteral("// line 7\n{")));
        QVERIFY(pane.prettyText().contains(QStringLiteral("\n    \"extra\": {")));
        QVERIFY(!button(pane, QStringLiteral("Show all"))->isVisibleTo(&pane));
    }

    void invalidJsonShowsTheReason()
    {
        LogDetailPane pane;
        pane.showLine("{\"level\": \"ERROR\", \"message\": \"trunc", LineNumber(3));
        QVERIFY(pane.prettyText().contains(QStringLiteral("not valid JSON")));
        QVERIFY(pane.prettyText().contains(QStringLiteral("\"trunc")));
    }

    void multiMegabyteLineIsShortenedAndQuick()
    {
        // Selecting a 3 MB line used to hang the GUI for good: one text block of 3 M characters was laid
        // out with word wrap and coloured by regular expressions.
        LogDetailPane pane;
        pane.resize(700, 400);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        const QByteArray huge = lineWithMessage(3 << 20);
        QElapsedTimer timer;
        timer.start();
        pane.showLine(huge, LineNumber(42));
        const qint64 shown = timer.elapsed() + paintMs(pane);
        qInfo("3 MB line shown shortened in %lld ms", shown);
        QVERIFY2(shown < 5000, qPrintable(QString::number(shown)));
        QVERIFY(pane.isShortened());
        QVERIFY(pane.prettyText().size() < LogDetailPane::kShortenAbove + 1000);
        QVERIFY(pane.prettyText().startsWith(QStringLiteral("// line 42\n{\"timestamp\"")));
        QVERIFY(pane.prettyText().endsWith(QStringLiteral(" …")));
        QVERIFY(longestBlock(pane.textView()) <= LogDetailPane::kMaxPieceChars + 1);
        QVERIFY(button(pane, QStringLiteral("Show all"))->isVisibleTo(&pane));
        QVERIFY(button(pane, QStringLiteral("Copy line"))->isVisibleTo(&pane));
        bool sizeShown = false;
        for (const QLabel* label : pane.findChildren<QLabel*>())
            sizeShown = sizeShown || label->text().contains(QLocale().formattedDataSize(huge.size()));
        QVERIFY(sizeShown);
    }

    void showAllIsBoundedToo()
    {
        LogDetailPane pane;
        pane.resize(700, 400);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        const QByteArray huge = lineWithMessage(3 << 20, 'q');
        pane.showLine(huge, LineNumber(1));
        QElapsedTimer timer;
        timer.start();
        button(pane, QStringLiteral("Show all"))->click();
        const qint64 shown = timer.elapsed() + paintMs(pane);
        qInfo("3 MB line shown in full in %lld ms", shown);
        QVERIFY2(shown < 15000, qPrintable(QString::number(shown)));
        QVERIFY(!pane.isShortened());
        QVERIFY(!button(pane, QStringLiteral("Show all"))->isVisibleTo(&pane));
        const QString text = pane.prettyText();
        QCOMPARE(text.count(QLatin1Char('q')), 3 << 20); // every byte of the message is there
        QVERIFY(text.contains(QStringLiteral("\n    \"extra\": {"))); // pretty-printed
        QVERIFY(longestBlock(pane.textView()) <= LogDetailPane::kMaxPieceChars + 1);
        // The next line starts shortened again.
        pane.showLine(huge, LineNumber(2));
        QVERIFY(pane.isShortened());
    }

    void copyLineCopiesTheWholeLine()
    {
        LogDetailPane pane;
        const QByteArray huge = lineWithMessage(200 * 1024, 'y');
        pane.showLine(huge, LineNumber(1));
        QVERIFY(pane.isShortened());
        button(pane, QStringLiteral("Copy line"))->click();
        QCOMPARE(QGuiApplication::clipboard()->text().toUtf8(), huge);
    }

    void longValueInAShortLineIsCutIntoPieces()
    {
        LogDetailPane pane;
        pane.showLine(
            lineWithMessage(50 * 1024, 'q'), LineNumber(1)); // below the shortening limit, one long JSON value
        QVERIFY(!pane.isShortened());
        QVERIFY(longestBlock(pane.textView()) <= LogDetailPane::kMaxPieceChars + 1);
        QCOMPARE(pane.prettyText().count(QLatin1Char('q')), 50 * 1024);
    }

    void shorteningKeepsUtf8Whole()
    {
        LogDetailPane pane;
        QByteArray accents;
        for (int i = 0; i < 40000; ++i)
            accents += "\xC3\xA9"; // é
        pane.showLine(lineWithMessage(0) + accents, LineNumber(1));
        QVERIFY(pane.isShortened());
        QVERIFY(!pane.prettyText().contains(QChar(QChar::ReplacementCharacter)));
    }

    void clearHidesTheBar()
    {
        LogDetailPane pane;
        pane.showLine(lineWithMessage(100 * 1024), LineNumber(1));
        pane.clearLine();
        QVERIFY(pane.prettyText().isEmpty());
        QVERIFY(!pane.isShortened());
        QVERIFY(!button(pane, QStringLiteral("Copy line"))->isVisibleTo(&pane));
    }
};

QTEST_MAIN(TestLogDetailPane)
#include "tst_logdetailpane.moc"
