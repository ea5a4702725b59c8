#pragma once

#include <QAbstractItemView>

class QHeaderView;

namespace rwb {

class LineNumberGutter;

/// A table view for models with millions of rows of one height: a log. It shows what QTableView
/// would (a horizontal header with movable, resizable, clickable columns; rows selected whole;
/// alternating colours; the item delegate paints the cells) but keeps nothing per row.
///
/// QTableView's vertical header keeps one item per row and walks all of them after every insert:
/// with a 1 GB log that made each announcement of new rows stall the window for 20–60 ms and cost
/// 12 bytes per line. Here every geometry question is arithmetic on the row height; the vertical
/// scroll bar counts rows (its value is the top row), so no pixel coordinate overflows however many
/// rows there are. Line numbers are painted in a gutter from the model's vertical headerData();
/// clicking one selects its row. GUI thread only.
class LogTableView final : public QAbstractItemView {
    Q_OBJECT
public:
    explicit LogTableView(QWidget* parent = nullptr);
    ~LogTableView() override;

    void setModel(QAbstractItemModel* model) override;
    QHeaderView* horizontalHeader() const noexcept { return m_header; }

    /// One line of the view's font plus padding; follows font changes (presenter mode).
    int rowHeight() const noexcept { return m_rowHeight; }
    void setColumnWidth(int column, int width);
    int columnWidth(int column) const;
    /// Widens `column` to its header and the rows on screen (the header handle's double-click).
    void resizeColumnToContents(int column);

    /// The row at viewport y, or -1 below the last row.
    int rowAt(int y) const;
    /// The first row on screen.
    int topRow() const;
    /// Rows that fit entirely in the viewport (at least one).
    int fullyVisibleRows() const;

    QRect visualRect(const QModelIndex& index) const override;
    void scrollTo(const QModelIndex& index, ScrollHint hint = EnsureVisible) override;
    QModelIndex indexAt(const QPoint& point) const override;
    /// Type-to-search would scan the whole model on the GUI thread: the query bar searches instead.
    void keyboardSearch(const QString& search) override;
    void reset() override;

protected:
    QModelIndex moveCursor(CursorAction action, Qt::KeyboardModifiers modifiers) override;
    int horizontalOffset() const override;
    int verticalOffset() const override;
    bool isIndexHidden(const QModelIndex& index) const override;
    void setSelection(const QRect& rect, QItemSelectionModel::SelectionFlags command) override;
    QRegion visualRegionForSelection(const QItemSelection& selection) const override;
    void paintEvent(QPaintEvent* event) override;
    void updateGeometries() override;
    void scrollContentsBy(int dx, int dy) override;
    int sizeHintForRow(int row) const override;
    int sizeHintForColumn(int column) const override;
    void rowsInserted(const QModelIndex& parent, int start, int end) override;
    void currentChanged(const QModelIndex& current, const QModelIndex& previous) override;
    void changeEvent(QEvent* event) override;

private:
    friend class LineNumberGutter;
    void onRowsChanged();
    /// Rows [first, last] as a viewport rectangle spanning every column (empty when off screen).
    QRect rowsRect(int first, int last) const;
    void paintGutter(QPainter& painter, const QRect& margin) const;
    void selectRowAt(int y);
    /// Widens the gutter when a line number on screen (or the last one) has more digits.
    bool widenGutterToFit();
    int gutterWidth() const;
    int rowCount() const;
    /// The last row (partly) on screen; -1 without rows.
    int lastRowOnScreen() const;

    QHeaderView* m_header = nullptr;
    LineNumberGutter* m_gutter = nullptr;
    int m_rowHeight = 20;
    int m_gutterDigits = 1; // grows with the widest line number seen, so the gutter never jitters
    bool m_inGeometryUpdate = false; // setting the viewport margins resizes the viewport, which calls back
};

} // namespace rwb
