#include "ui/log/logtableview.h"

#include <QHeaderView>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QStyle>
#include <QStyleOptionHeader>

#include <algorithm>
#include <climits>

namespace rwb {

/// The line-number margin left of the rows, with a blank header corner above it.
class LineNumberGutter final : public QWidget {
public:
    explicit LineNumberGutter(LogTableView* view)
        : QWidget(view)
        , m_view(view)
    {
        setObjectName(QStringLiteral("lineNumberGutter"));
        setToolTip(LogTableView::tr("Line numbers in the file; click one to select its line"));
    }

    int headerHeight = 0; // the corner's height: the rows start below it

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter painter(this);
        QStyleOptionHeader corner;
        corner.initFrom(this);
        corner.rect = QRect(0, 0, width(), headerHeight);
        corner.position = QStyleOptionHeader::OnlyOneSection;
        if (headerHeight > 0)
            style()->drawControl(QStyle::CE_Header, &corner, &painter, this);
        m_view->paintGutter(painter, QRect(0, headerHeight, width(), height() - headerHeight));
    }
    void mousePressEvent(QMouseEvent* event) override
    {
        if (event->button() == Qt::LeftButton)
            m_view->selectRowAt(event->position().toPoint().y() - headerHeight);
    }
    void mouseReleaseEvent(QMouseEvent* event) override { event->accept(); }

private:
    LogTableView* m_view;
};

namespace {

int digitsOf(const QVariant& number) { return std::max<int>(1, int(number.toString().size())); }

} // namespace

LogTableView::LogTableView(QWidget* parent)
    : QAbstractItemView(parent)
{
    m_header = new QHeaderView(Qt::Horizontal, this);
    m_gutter = new LineNumberGutter(this);
    m_rowHeight = fontMetrics().height() + 6;
    setSelectionBehavior(SelectRows);
    setHorizontalScrollMode(ScrollPerPixel);
    setVerticalScrollMode(ScrollPerItem);
    const auto relayout = [this] {
        updateGeometries();
        viewport()->update();
    };
    connect(m_header, &QHeaderView::sectionResized, this, relayout);
    connect(m_header, &QHeaderView::sectionMoved, this, relayout);
    connect(m_header, &QHeaderView::sectionCountChanged, this, relayout);
    connect(m_header, &QHeaderView::geometriesChanged, this, &LogTableView::updateGeometries);
    connect(m_header, &QHeaderView::sectionHandleDoubleClicked, this, &LogTableView::resizeColumnToContents);
}

LogTableView::~LogTableView()
{
    // ~QWidget hides the header, which then signals geometry changes to a view that is no longer one
    disconnect(m_header, nullptr, this, nullptr);
}

void LogTableView::setModel(QAbstractItemModel* model)
{
    if (model == this->model())
        return;
    if (this->model())
        disconnect(this->model(), nullptr, this, nullptr);
    QAbstractItemView::setModel(model);
    m_header->setModel(model);
    if (model) {
        connect(model, &QAbstractItemModel::rowsRemoved, this, &LogTableView::onRowsChanged);
        connect(model, &QAbstractItemModel::layoutChanged, this, &LogTableView::onRowsChanged);
    }
    m_gutterDigits = 1;
    onRowsChanged();
}

void LogTableView::reset()
{
    QAbstractItemView::reset();
    m_gutterDigits = 1;
    onRowsChanged();
}

int LogTableView::rowCount() const { return model() ? model()->rowCount(rootIndex()) : 0; }

void LogTableView::setColumnWidth(int column, int width) { m_header->resizeSection(column, width); }

int LogTableView::columnWidth(int column) const { return m_header->sectionSize(column); }

void LogTableView::resizeColumnToContents(int column)
{
    m_header->resizeSection(column, std::max(sizeHintForColumn(column), m_header->sectionSizeHint(column)));
}

int LogTableView::topRow() const { return verticalScrollBar()->value(); }

int LogTableView::fullyVisibleRows() const { return std::max(1, viewport()->height() / m_rowHeight); }

int LogTableView::lastRowOnScreen() const
{
    return int(std::min<qint64>(qint64(topRow()) + viewport()->height() / m_rowHeight, rowCount() - 1));
}

int LogTableView::rowAt(int y) const
{
    if (y < 0)
        return -1;
    const qint64 row = qint64(topRow()) + y / m_rowHeight;
    return row < rowCount() ? int(row) : -1;
}

QRect LogTableView::rowsRect(int first, int last) const
{
    const qint64 top = topRow();
    const qint64 onScreen = viewport()->height() / m_rowHeight + 1;
    const qint64 from = std::max<qint64>(first, top);
    const qint64 to = std::min<qint64>(last, top + onScreen);
    if (from > to)
        return {};
    return QRect(0, int(from - top) * m_rowHeight, viewport()->width(), int(to - from + 1) * m_rowHeight);
}

QRect LogTableView::visualRect(const QModelIndex& index) const
{
    if (!index.isValid() || index.parent() != rootIndex() || m_header->isSectionHidden(index.column()))
        return {};
    // rows far off screen get a far-off but representable y
    const qint64 y = std::clamp<qint64>((qint64(index.row()) - topRow()) * m_rowHeight, -(1 << 29), 1 << 29);
    return QRect(m_header->sectionViewportPosition(index.column()), int(y), m_header->sectionSize(index.column()),
        m_rowHeight);
}

QModelIndex LogTableView::indexAt(const QPoint& point) const
{
    const int row = rowAt(point.y());
    const int column = m_header->logicalIndexAt(point.x());
    if (row < 0 || column < 0)
        return {};
    return model()->index(row, column, rootIndex());
}

void LogTableView::scrollTo(const QModelIndex& index, ScrollHint hint)
{
    if (!index.isValid() || index.parent() != rootIndex())
        return;
    const int row = index.row();
    const int page = fullyVisibleRows();
    int top = topRow();
    switch (hint) {
    case PositionAtTop:
        top = row;
        break;
    case PositionAtBottom:
        top = row - page + 1;
        break;
    case PositionAtCenter:
        top = row - page / 2;
        break;
    case EnsureVisible:
        if (row < top)
            top = row;
        else if (row >= top + page)
            top = row - page + 1;
        break;
    }
    verticalScrollBar()->setValue(top);

    if (m_header->isSectionHidden(index.column()))
        return;
    const int x = m_header->sectionPosition(index.column());
    const int width = m_header->sectionSize(index.column());
    const int left = horizontalScrollBar()->value();
    const int shown = viewport()->width();
    if (x < left)
        horizontalScrollBar()->setValue(x);
    else if (x + width > left + shown)
        horizontalScrollBar()->setValue(std::min(x, x + width - shown));
}

void LogTableView::keyboardSearch(const QString&) { }

QModelIndex LogTableView::moveCursor(CursorAction action, Qt::KeyboardModifiers)
{
    const int rows = rowCount();
    const int columns = m_header->count();
    if (rows == 0 || columns == 0)
        return {};
    const auto firstShownVisual = [this, columns](int from, int step) {
        for (int v = from; v >= 0 && v < columns; v += step)
            if (!m_header->isSectionHidden(m_header->logicalIndex(v)))
                return v;
        return -1;
    };
    const QModelIndex current = currentIndex();
    if (!current.isValid()) // the first key press picks the top row
        return model()->index(std::min(topRow(), rows - 1), m_header->logicalIndex(std::max(0, firstShownVisual(0, 1))),
            rootIndex());

    qint64 row = current.row();
    int visual = m_header->visualIndex(current.column());
    switch (action) {
    case MoveUp:
    case MovePrevious:
        --row;
        break;
    case MoveDown:
    case MoveNext:
        ++row;
        break;
    case MovePageUp:
        row -= fullyVisibleRows();
        break;
    case MovePageDown:
        row += fullyVisibleRows();
        break;
    case MoveHome:
        row = 0;
        break;
    case MoveEnd:
        row = rows - 1;
        break;
    case MoveLeft:
        if (const int v = firstShownVisual(visual - 1, -1); v >= 0)
            visual = v;
        break;
    case MoveRight:
        if (const int v = firstShownVisual(visual + 1, 1); v >= 0)
            visual = v;
        break;
    }
    return model()->index(int(std::clamp<qint64>(row, 0, rows - 1)), m_header->logicalIndex(visual), rootIndex());
}

int LogTableView::horizontalOffset() const { return horizontalScrollBar()->value(); }

int LogTableView::verticalOffset() const
{
    return int(std::min<qint64>(qint64(topRow()) * m_rowHeight, INT_MAX));
}

bool LogTableView::isIndexHidden(const QModelIndex& index) const { return m_header->isSectionHidden(index.column()); }

void LogTableView::setSelection(const QRect& rect, QItemSelectionModel::SelectionFlags command)
{
    const int rows = rowCount();
    if (!selectionModel() || rows == 0 || m_header->count() == 0)
        return;
    const QRect area = rect.normalized();
    const auto rowAtY = [this, rows](int y) {
        const qint64 row = qint64(topRow()) + (y < 0 ? (y - m_rowHeight + 1) / m_rowHeight : y / m_rowHeight);
        return int(std::clamp<qint64>(row, 0, rows - 1));
    };
    const int first = rowAtY(area.top());
    const int last = rowAtY(area.bottom());
    int fromVisual = m_header->visualIndexAt(area.left());
    int toVisual = m_header->visualIndexAt(area.right());
    if (fromVisual < 0)
        fromVisual = 0;
    if (toVisual < 0)
        toVisual = m_header->count() - 1;
    QItemSelection selection;
    for (int v = std::min(fromVisual, toVisual); v <= std::max(fromVisual, toVisual); ++v) {
        const int column = m_header->logicalIndex(v);
        if (!m_header->isSectionHidden(column))
            selection.select(model()->index(first, column, rootIndex()), model()->index(last, column, rootIndex()));
    }
    selectionModel()->select(selection, command);
}

QRegion LogTableView::visualRegionForSelection(const QItemSelection& selection) const
{
    QRegion region;
    for (const QItemSelectionRange& range : selection) {
        if (!range.isValid() || range.parent() != rootIndex())
            continue;
        const QRect rows = rowsRect(range.top(), range.bottom());
        if (rows.isEmpty())
            continue;
        int left = INT_MAX;
        int right = INT_MIN;
        for (int column = range.left(); column <= range.right(); ++column) {
            if (m_header->isSectionHidden(column))
                continue;
            const int x = m_header->sectionViewportPosition(column);
            left = std::min(left, x);
            right = std::max(right, x + m_header->sectionSize(column));
        }
        if (left < right)
            region += QRect(left, rows.top(), right - left, rows.height());
    }
    return region;
}

void LogTableView::paintEvent(QPaintEvent* event)
{
    const int rows = rowCount();
    if (rows == 0)
        return;
    QPainter painter(viewport());
    const QRect dirty = event->rect();
    const qint64 top = topRow();
    const int first = int(std::min<qint64>(top + std::max(0, dirty.top()) / m_rowHeight, rows));
    const int last = int(std::min<qint64>(top + std::max(0, dirty.bottom()) / m_rowHeight, rows - 1));

    struct Cell {
        int column, x, width;
    };
    std::vector<Cell> cells;
    for (int v = 0; v < m_header->count(); ++v) {
        const int column = m_header->logicalIndex(v);
        const int x = m_header->sectionViewportPosition(column);
        const int width = m_header->sectionSize(column);
        if (!m_header->isSectionHidden(column) && x + width > dirty.left() && x <= dirty.right())
            cells.push_back({column, x, width});
    }

    QStyleOptionViewItem option;
    initViewItemOption(&option);
    const QStyle::State state = option.state & ~(QStyle::State_HasFocus | QStyle::State_MouseOver);
    const QPalette::ColorGroup group
        = !isEnabled() ? QPalette::Disabled : (isActiveWindow() ? QPalette::Active : QPalette::Inactive);
    option.palette.setCurrentColorGroup(group);
    const QModelIndex current = currentIndex();
    const bool showFocus = hasFocus() && current.isValid();
    const QItemSelectionModel* selection = selectionModel();
    for (int row = first; row <= last; ++row) {
        const int y = int(row - top) * m_rowHeight;
        if (alternatingRowColors() && (row & 1))
            option.features |= QStyleOptionViewItem::Alternate;
        else
            option.features &= ~QStyleOptionViewItem::Alternate;
        for (const Cell& cell : cells) {
            const QModelIndex index = model()->index(row, cell.column, rootIndex());
            option.rect = QRect(cell.x, y, cell.width, m_rowHeight);
            option.state = state;
            if (selection && selection->isSelected(index))
                option.state |= QStyle::State_Selected;
            if (showFocus && index == current)
                option.state |= QStyle::State_HasFocus;
            style()->drawPrimitive(QStyle::PE_PanelItemViewRow, &option, &painter, this);
            itemDelegateForIndex(index)->paint(&painter, option, index);
        }
    }
}

void LogTableView::paintGutter(QPainter& painter, const QRect& margin) const
{
    painter.fillRect(margin, palette().color(QPalette::Window));
    painter.setPen(palette().color(QPalette::Mid));
    painter.drawLine(margin.right(), margin.top(), margin.right(), margin.bottom());
    const int rows = rowCount();
    if (rows == 0)
        return;
    painter.setClipRect(margin);
    const int pad = fontMetrics().horizontalAdvance(QLatin1Char('0')) / 2 + 2;
    const int currentRow = currentIndex().row();
    const int top = topRow();
    const int last = lastRowOnScreen();
    QFont bold = font();
    bold.setBold(true);
    for (int row = top; row <= last; ++row) {
        const bool isCurrent = row == currentRow;
        painter.setFont(isCurrent ? bold : font());
        painter.setPen(palette().color(isCurrent ? QPalette::WindowText : QPalette::PlaceholderText));
        const QRect box(margin.left(), margin.top() + (row - top) * m_rowHeight, margin.width() - 2 * pad, m_rowHeight);
        painter.drawText(box.translated(pad, 0), Qt::AlignRight | Qt::AlignVCenter,
            model()->headerData(row, Qt::Vertical).toString());
    }
}

void LogTableView::selectRowAt(int y)
{
    const int row = rowAt(y);
    if (row < 0)
        return;
    const int column = currentIndex().isValid() ? currentIndex().column() : m_header->logicalIndex(0);
    setCurrentIndex(model()->index(row, column, rootIndex()));
    setFocus(Qt::MouseFocusReason);
}

int LogTableView::gutterWidth() const
{
    const QFontMetrics metrics(font());
    const int digit = metrics.horizontalAdvance(QLatin1Char('0'));
    return (m_gutterDigits + 1) * digit + 6; // one digit of room for the bold current line, and padding
}

bool LogTableView::widenGutterToFit()
{
    const int rows = rowCount();
    if (rows == 0)
        return false;
    int digits = digitsOf(model()->headerData(rows - 1, Qt::Vertical)); // file order: the largest
    const int last = lastRowOnScreen();
    for (int row = topRow(); row <= last; ++row) // a sorted or filtered view may show larger ones above
        digits = std::max(digits, digitsOf(model()->headerData(row, Qt::Vertical)));
    if (digits <= m_gutterDigits)
        return false;
    m_gutterDigits = digits;
    return true;
}

void LogTableView::updateGeometries()
{
    if (m_inGeometryUpdate)
        return;
    m_inGeometryUpdate = true;
    widenGutterToFit();
    const int headerHeight = m_header->isHidden()
        ? 0
        : std::clamp(m_header->sizeHint().height(), m_header->minimumHeight(), m_header->maximumHeight());
    const int gutter = gutterWidth();
    setViewportMargins(gutter, headerHeight, 0, 0);
    const QRect shown = viewport()->geometry();
    m_header->setGeometry(shown.left(), shown.top() - headerHeight, shown.width(), headerHeight);
    m_gutter->headerHeight = headerHeight;
    m_gutter->setGeometry(shown.left() - gutter, shown.top() - headerHeight, gutter, shown.height() + headerHeight);
    // the header re-stretches its last section to the new width
    QMetaObject::invokeMethod(m_header, "updateGeometries");

    const int page = fullyVisibleRows();
    verticalScrollBar()->setSingleStep(1);
    verticalScrollBar()->setPageStep(page);
    verticalScrollBar()->setRange(0, std::max(0, rowCount() - page));
    horizontalScrollBar()->setSingleStep(std::max(1, fontMetrics().horizontalAdvance(QLatin1Char('0')) * 2));
    horizontalScrollBar()->setPageStep(shown.width());
    horizontalScrollBar()->setRange(0, std::max(0, m_header->length() - shown.width()));
    m_gutter->update();
    m_inGeometryUpdate = false;
    QAbstractItemView::updateGeometries();
}

void LogTableView::scrollContentsBy(int dx, int dy)
{
    if (dx != 0)
        m_header->setOffset(horizontalScrollBar()->value());
    if (dy != 0 && widenGutterToFit())
        updateGeometries();
    // dy counts rows: repainting the few rows on screen is cheaper than reasoning about a blit
    viewport()->update();
    m_gutter->update();
}

int LogTableView::sizeHintForRow(int) const { return m_rowHeight; }

int LogTableView::sizeHintForColumn(int column) const
{
    QStyleOptionViewItem option;
    initViewItemOption(&option);
    int width = 0;
    const int last = lastRowOnScreen();
    for (int row = topRow(); row <= last; ++row) {
        const QModelIndex index = model()->index(row, column, rootIndex());
        width = std::max(width, itemDelegateForIndex(index)->sizeHint(option, index).width());
    }
    return width;
}

void LogTableView::rowsInserted(const QModelIndex& parent, int start, int end)
{
    QAbstractItemView::rowsInserted(parent, start, end);
    if (parent != rootIndex())
        return;
    updateGeometries();
    // rows below the screen change nothing but the scroll bar
    if (start <= lastRowOnScreen()) {
        viewport()->update();
        m_gutter->update();
    }
}

void LogTableView::onRowsChanged()
{
    updateGeometries();
    viewport()->update();
}

void LogTableView::currentChanged(const QModelIndex& current, const QModelIndex& previous)
{
    QAbstractItemView::currentChanged(current, previous);
    // rows are selected whole: repaint both rows (and their line numbers), not one cell each
    if (previous.isValid())
        viewport()->update(rowsRect(previous.row(), previous.row()));
    if (current.isValid())
        viewport()->update(rowsRect(current.row(), current.row()));
    m_gutter->update();
}

void LogTableView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange) {
        m_rowHeight = fontMetrics().height() + 6;
        updateGeometries();
        viewport()->update();
    }
    QAbstractItemView::changeEvent(event);
}

} // namespace rwb
