// The log's table view: geometry by arithmetic for any number of rows (beyond the int pixel range),
// painting that asks the model only for the rows on screen, keyboard and mouse selection of whole
// rows, and the line-number gutter.

#include "ui/log/logtableview.h"

#include <QAbstractTableModel>
#include <QHeaderView>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>

#include <climits>
#include <set>

using namespace rwb;

namespace {

/// Rows that exist only as a count: cells are computed, and every row data() is asked for is noted.
class CountedRowsModel final : public QAbstractTableModel {
public:
    explicit CountedRowsModel(int rows)
        : m_rows(rows)
    {
    }
    int rowCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : m_rows; }
    int columnCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : 3; }
    QVariant data(const QModelIndex& index, int role) const override
    {
        asked.insert(index.row());
        if (role != Qt::DisplayRole)
            return {};
        return QStringLiteral("row %1 column %2").arg(index.row()).arg(index.column());
    }
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override
    {
        if (role != Qt::DisplayRole)
            return {};
        if (orientation == Qt::Vertical)
            return qint64(section) + 1;
        return QStringLiteral("Column %1").arg(section);
    }
    void append(int rows)
    {
        beginInsertRows({}, m_rows, m_rows + rows - 1);
        m_rows += rows;
        endInsertRows();
    }

    mutable std::set<int> asked;

private:
    int m_rows;
};

/// A view of `rows` counted rows, shown at 500×300.
struct ShownView {
    explicit ShownView(int rows)
        : model(rows)
    {
        view.setModel(&model);
        view.setSelectionMode(QAbstractItemView::SingleSelection);
        view.resize(500, 300);
        view.show();
    }
    bool exposed() { return QTest::qWaitForWindowExposed(&view); }

    CountedRowsModel model;
    LogTableView view;
};

} // namespace

class TestLogTableView : public QObject {
    Q_OBJECT

private slots:
    // 200 million rows are ~4.4e9 pixels tall, past INT_MAX: the scroll bar counts rows instead.
    void rowsBeyondThePixelRangeAreReachable()
    {
        ShownView shown(200'000'000);
        CountedRowsModel& model = shown.model;
        LogTableView& view = shown.view;
        QVERIFY(shown.exposed());
        QVERIFY(qint64(model.rowCount()) * view.rowHeight() > INT_MAX);

        view.scrollToBottom();
        const int last = model.rowCount() - 1;
        QCOMPARE(view.verticalScrollBar()->maximum(), model.rowCount() - view.fullyVisibleRows());
        const QRect lastRect = view.visualRect(model.index(last, 1));
        QVERIFY2(view.viewport()->rect().contains(lastRect), qPrintable(QStringLiteral("%1").arg(lastRect.y())));
        QCOMPARE(view.indexAt(lastRect.center()), model.index(last, 1));
        QCOMPARE(view.rowAt(lastRect.bottom() + 1), -1);

        view.scrollTo(model.index(150'000'000, 0), QAbstractItemView::PositionAtCenter);
        QCOMPARE(view.topRow(), 150'000'000 - view.fullyVisibleRows() / 2);
        QCOMPARE(view.indexAt(view.visualRect(model.index(150'000'000, 2)).center()).row(), 150'000'000);
    }

    void paintingAsksOnlyForTheRowsOnScreen()
    {
        ShownView shown(5'000'000);
        CountedRowsModel& model = shown.model;
        LogTableView& view = shown.view;
        QVERIFY(shown.exposed());
        view.scrollTo(model.index(2'000'000, 0), QAbstractItemView::PositionAtTop);
        model.asked.clear();
        view.viewport()->repaint();
        QVERIFY(!model.asked.empty());
        QVERIFY2(*model.asked.begin() >= 2'000'000, qPrintable(QString::number(*model.asked.begin())));
        QVERIFY2(*model.asked.rbegin() <= 2'000'000 + view.fullyVisibleRows() + 1,
            qPrintable(QString::number(*model.asked.rbegin())));
    }

    void keysMoveTheCurrentRow()
    {
        ShownView shown(1000);
        CountedRowsModel& model = shown.model;
        LogTableView& view = shown.view;
        QVERIFY(shown.exposed());
        view.setCurrentIndex(model.index(0, 0));
        QTest::keyClick(&view, Qt::Key_Down);
        QCOMPARE(view.currentIndex().row(), 1);
        QTest::keyClick(&view, Qt::Key_PageDown);
        QCOMPARE(view.currentIndex().row(), 1 + view.fullyVisibleRows());
        QTest::keyClick(&view, Qt::Key_End);
        QCOMPARE(view.currentIndex().row(), 999);
        QCOMPARE(view.topRow(), 1000 - view.fullyVisibleRows()); // the current row was scrolled to
        QTest::keyClick(&view, Qt::Key_Down);
        QCOMPARE(view.currentIndex().row(), 999);
        QTest::keyClick(&view, Qt::Key_Home);
        QCOMPARE(view.currentIndex().row(), 0);
        QCOMPARE(view.topRow(), 0);
        // whole rows are selected
        QCOMPARE(view.selectionModel()->selectedRows().size(), 1);
        QCOMPARE(view.selectionModel()->selectedRows().constFirst().row(), 0);
        QCOMPARE(view.selectionModel()->selectedIndexes().size(), model.columnCount());
    }

    void leftAndRightSkipHiddenColumns()
    {
        ShownView shown(10);
        CountedRowsModel& model = shown.model;
        LogTableView& view = shown.view;
        view.horizontalHeader()->hideSection(1);
        QVERIFY(shown.exposed());
        view.setCurrentIndex(model.index(4, 0));
        QTest::keyClick(&view, Qt::Key_Right);
        QCOMPARE(view.currentIndex(), model.index(4, 2));
        QTest::keyClick(&view, Qt::Key_Left);
        QCOMPARE(view.currentIndex(), model.index(4, 0));
        QVERIFY(view.visualRect(model.index(4, 1)).isEmpty());
    }

    void clicksSelectRowsAndDoubleClicksAreSignalled()
    {
        ShownView shown(100);
        CountedRowsModel& model = shown.model;
        LogTableView& view = shown.view;
        QVERIFY(shown.exposed());
        QSignalSpy doubleClicks(&view, &QAbstractItemView::doubleClicked);
        const QPoint cell = view.visualRect(model.index(5, 1)).center();
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, cell);
        QCOMPARE(view.currentIndex(), model.index(5, 1));
        QCOMPARE(view.selectionModel()->selectedRows().size(), 1);
        QCOMPARE(view.selectionModel()->selectedRows().constFirst().row(), 5);
        QTest::mouseDClick(view.viewport(), Qt::LeftButton, {}, cell);
        QCOMPARE(doubleClicks.size(), 1);
        // a click below the last row selects nothing
        CountedRowsModel few(3);
        view.setModel(&few);
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, QPoint(20, view.viewport()->height() - 2));
        QVERIFY(!view.currentIndex().isValid());
    }

    void theGutterNumbersRowsAndSelectsOnClick()
    {
        ShownView shown(9);
        CountedRowsModel& model = shown.model;
        LogTableView& view = shown.view;
        QVERIFY(shown.exposed());
        auto* gutter = view.findChild<QWidget*>(QStringLiteral("lineNumberGutter"));
        QVERIFY(gutter);
        QCOMPARE(gutter->geometry().right() + 1, view.viewport()->geometry().left());
        const int oneDigit = gutter->width();

        const int headerHeight = view.viewport()->geometry().top() - gutter->geometry().top();
        QTest::mouseClick(gutter, Qt::LeftButton, {}, QPoint(gutter->width() / 2, headerHeight + view.rowHeight() * 3 + 2));
        QCOMPARE(view.currentIndex().row(), 3);

        // six-digit line numbers need a wider gutter; the viewport moves right with it
        model.append(200'000);
        QVERIFY2(gutter->width() > oneDigit, qPrintable(QString::number(gutter->width())));
        QCOMPARE(gutter->geometry().right() + 1, view.viewport()->geometry().left());
    }

    void appendedRowsExtendTheScrollRange()
    {
        ShownView shown(10);
        CountedRowsModel& model = shown.model;
        LogTableView& view = shown.view;
        QVERIFY(shown.exposed());
        QCOMPARE(view.verticalScrollBar()->maximum(), 0);
        model.append(3'000'000);
        QCOMPARE(view.verticalScrollBar()->maximum(), 3'000'010 - view.fullyVisibleRows());
        view.scrollToBottom();
        QCOMPARE(view.topRow(), view.verticalScrollBar()->maximum());
    }

    void aFontChangeResizesRows()
    {
        CountedRowsModel model(10);
        LogTableView view;
        view.setModel(&model);
        const int before = view.rowHeight();
        QFont big = view.font();
        big.setPointSizeF(big.pointSizeF() * 2);
        view.setFont(big);
        QVERIFY2(view.rowHeight() > before, qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(view.rowHeight())));
        QCOMPARE(view.rowHeight(), QFontMetrics(big).height() + 6);
    }
};

QTEST_MAIN(TestLogTableView)
#include "tst_logtableview.moc"
