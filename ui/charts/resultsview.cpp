#include "ui/charts/resultsview.h"

#include "ui/charts/breakerstatechart.h"
#include "ui/charts/bucketchart.h"
#include "ui/charts/retrydelaychart.h"
#include "ui/common/timeaxis.h"

#include <QChart>
#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

namespace rwb {

ResultsView::ResultsView(QWidget* parent)
    : QWidget(parent)
    , m_sync(new TimeAxisSync(this))
    , m_filter(new QComboBox(this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
    , m_breakers(new BreakerStateChart(m_splitter))
    , m_retries(new RetryDelayChart(m_splitter))
    , m_traffic(new TrafficChart(m_splitter))
    , m_latency(new LatencyChart(m_splitter))
{
    setObjectName(QStringLiteral("resultsView"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    auto* bar = new QWidget(this);
    m_header = bar;
    bar->setObjectName(QStringLiteral("panelHeader"));
    bar->setAttribute(Qt::WA_StyledBackground);
    auto* barLayout = new QHBoxLayout(bar);
    barLayout->setContentsMargins(8, 4, 8, 4);
    auto* label = new QLabel(tr("&Show"), bar);
    label->setBuddy(m_filter);
    m_filter->setObjectName(QStringLiteral("pipelineFilter"));
    m_filter->setToolTip(tr("What the charts, the Summary and the circuit tiles describe: each pipeline side by "
                            "side, one of them, or all pipelines added together"));
    m_filter->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_filter->setMinimumContentsLength(12);
    m_filter->addItem(tr("Each pipeline"), int(RunScope::Kind::Each));
    m_filter->addItem(tr("All pipelines combined"), int(RunScope::Kind::All));
    m_filter->setVisible(false);
    label->setVisible(false);
    m_filterLabel = label;
    auto* reset = new QToolButton(bar);
    reset->setText(tr("Reset zoom"));
    reset->setToolTip(tr("Show the whole run again (or double-click a chart)"));
    reset->setAutoRaise(true);
    connect(reset, &QToolButton::clicked, m_sync, &TimeAxisSync::resetZoom);
    auto* hint
        = new QLabel(tr("Wheel: zoom · drag: pan · Shift+drag: zoom to area · click a legend entry to hide it"), bar);
    hint->setToolTip(hint->text());
    hint->setObjectName(QStringLiteral("dimLabel"));
    // A long one-line hint must not dictate the window's minimum width (presenter fonts made it > 1600 px).
    hint->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_hint = hint;
    m_compareKey = new QLabel(tr("<b>Variant B</b>: thin lines · hollow rings · “· B” lanes"), bar);
    m_compareKey->setObjectName(QStringLiteral("compareKey"));
    m_compareKey->setToolTip(tr("Variant B runs on the same seed; its figures are drawn over A's"));
    m_compareKey->setVisible(false);
    m_compareKey->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_pipelineKey = new QLabel(bar);
    m_pipelineKey->setObjectName(QStringLiteral("pipelineKey"));
    m_pipelineKey->setToolTip(tr("Traffic and latency draw each pipeline's lines: the first thick, the others thin "
                                 "and darker"));
    m_pipelineKey->setVisible(false);
    // like the hint: shown when there is room, never a reason for a wider window (the tooltip has it)
    m_pipelineKey->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    barLayout->addWidget(label);
    barLayout->addWidget(m_filter);
    barLayout->addSpacing(8);
    barLayout->addWidget(m_pipelineKey);
    barLayout->addSpacing(8);
    barLayout->addWidget(m_compareKey);
    barLayout->addSpacing(12);
    barLayout->addWidget(hint);
    barLayout->addStretch(1);
    barLayout->addWidget(reset);
    layout->addWidget(bar);

    for (ChartView* chart : charts()) {
        m_padding.push_back({ chart->chart()->margins() });
        // queued: the chart emits this from inside its layout pass
        connect(chart->chart(), &QChart::plotAreaChanged, this, [this] {
            if (!std::exchange(m_alignQueued, true))
                QMetaObject::invokeMethod(this, &ResultsView::alignPlotAreas, Qt::QueuedConnection);
        });
        chart->setTimeAxisSync(m_sync);
        connect(chart, &ChartView::timeClicked, this, &ResultsView::timeClicked);
        chart->setMinimumHeight(std::max(150, chart->minimumHeight())); // the breaker chart needs more with fonts
        m_splitter->addWidget(chart);
    }
    m_splitter->setChildrenCollapsible(false);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);
    m_splitter->setStretchFactor(2, 3);
    m_splitter->setStretchFactor(3, 3);
    // Below the charts' readable minimum (a 700 px high screen with a log dock) the charts scroll
    // instead of forcing the window taller than the screen.
    auto* scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("chartScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setWidget(m_splitter);
    scroll->setMinimumHeight(160);
    layout->addWidget(scroll, 1);

    connect(m_filter, &QComboBox::currentIndexChanged, this, &ResultsView::applyFilter);
    m_traffic->setScope(RunScope::each());
    m_latency->setScope(RunScope::each());
}

void ResultsView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitHeaderNotes();
}

void ResultsView::fitHeaderNotes()
{
    if (!m_header)
        return;
    // what the fixed parts of the header leave
    int room = m_header->width() - m_header->layout()->contentsMargins().left()
        - m_header->layout()->contentsMargins().right() - 60;
    for (QWidget* w : m_header->findChildren<QWidget*>(Qt::FindDirectChildrenOnly))
        if (w != m_pipelineKey && w != m_compareKey && w != m_hint && !w->isHidden())
            room -= w->sizeHint().width();
    for (auto [label, wanted] : { std::pair<QLabel*, bool> { m_pipelineKey, m_wantPipelineKey },
             std::pair<QLabel*, bool> { m_compareKey, m_wantCompareKey },
             std::pair<QLabel*, bool> { m_hint, !m_presenterHint } }) {
        const int need = label->sizeHint().width() + 12;
        const bool show = wanted && need <= room;
        label->setVisible(show);
        // the notes ignore their size hints (they must never widen the window): shares of the room
        // in proportion to their texts give each at least its text's width
        static_cast<QBoxLayout*>(m_header->layout())->setStretchFactor(label, show ? need : 0);
        if (show)
            room -= need;
    }
}

RunScope ResultsView::scope() const
{
    const auto kind = RunScope::Kind(m_filter->currentData().toInt());
    return kind == RunScope::Kind::One ? RunScope::one(m_filter->currentData(Qt::UserRole + 1).toString())
                                       : RunScope { kind, {} };
}

void ResultsView::setScope(const RunScope& scope)
{
    for (int i = 0; i < m_filter->count(); ++i) {
        const auto kind = RunScope::Kind(m_filter->itemData(i).toInt());
        if (kind == scope.kind && (kind != RunScope::Kind::One || m_filter->itemData(i, Qt::UserRole + 1) == scope.pipeline)) {
            m_filter->setCurrentIndex(i);
            return;
        }
    }
}

QStringList ResultsView::pipelines() const
{
    QStringList out;
    for (int i = 0; i < m_filter->count(); ++i)
        if (RunScope::Kind(m_filter->itemData(i).toInt()) == RunScope::Kind::One)
            out.append(m_filter->itemData(i, Qt::UserRole + 1).toString());
    return out;
}

void ResultsView::updateScopeChoices(const QStringList& names)
{
    if (names == pipelines())
        return;
    const RunScope current = scope();
    {
        const QSignalBlocker block(m_filter);
        while (m_filter->count() > 2)
            m_filter->removeItem(1);
        for (int i = 0; i < names.size(); ++i) {
            m_filter->insertItem(1 + i, names.at(i), int(RunScope::Kind::One));
            m_filter->setItemData(1 + i, names.at(i), Qt::UserRole + 1);
        }
        m_filter->setCurrentIndex(0);
        if (current.kind != RunScope::Kind::One || names.contains(current.pipeline))
            setScope(current);
        m_filter->setVisible(names.size() > 1);
        m_filterLabel->setVisible(names.size() > 1);
    }
    applyFilter();
}

QStringList ResultsView::circuitsOf(const QString& pipeline) const
{
    QStringList out;
    const auto fromScenario = [&](const Scenario* scenario) {
        if (!scenario)
            return false;
        if (const PipelineSpec* spec = scenario->pipeline(pipeline); spec && spec->breaker) {
            const QString name = spec->breaker->name.isEmpty() ? pipeline : spec->breaker->name;
            if (!out.contains(name))
                out.append(name);
        }
        return true;
    };
    const bool known = fromScenario(m_run.scenario ? m_run.scenario.get() : m_scenario.get());
    fromScenario(m_runB.scenario.get());
    if (!known)
        for (const QString& circuit : m_breakers->circuits())
            if (m_traffic->bucketer().circuitOf(pipeline) == circuit)
                out.append(circuit);
    return out;
}

void ResultsView::setRun(
    const SimulationRun& run, const std::vector<std::pair<QString, BackoffConfig>>& backoffs, int maxAttempts)
{
    if (!run.result)
        return;
    static const std::vector<Event> none;
    const std::vector<Event>& events = run.events ? *run.events : none;
    m_run = run;
    m_backoffs = backoffs;
    m_maxAttempts = maxAttempts;

    QStringList names;
    for (const auto& p : run.result->pipelines)
        names.append(p.name);
    {
        // the scope is applied below, once the charts hold the new run
        const QSignalBlocker block(this);
        updateScopeChoices(names);
    }
    m_sync->beginBatch(); // the charts reset and regrow their extents: one range change at most
    drawBreakers();
    m_retries->setEvents(events);
    m_traffic->setResult(*run.result);
    m_latency->setResult(*run.result);
    applyComparison();
    applyFilter();
    m_sync->endBatch();
}

void ResultsView::setComparison(const SimulationRun* variantB)
{
    m_runB = variantB && variantB->ok() ? *variantB : SimulationRun();
    m_sync->beginBatch();
    applyComparison();
    drawBreakers();
    m_sync->endBatch();
}

void ResultsView::applyComparison()
{
    const bool on = isComparing() && m_run.result;
    m_wantCompareKey = on;
    fitHeaderNotes();
    m_traffic->setComparison(on ? m_runB.result.get() : nullptr);
    m_latency->setComparison(on ? m_runB.result.get() : nullptr);
    m_retries->setComparison(on && m_runB.events ? m_runB.events.get() : nullptr);
}

void ResultsView::drawBreakers()
{
    if (!m_run.result)
        return;
    static const std::vector<Event> none;
    const std::vector<Event>& events = m_run.events ? *m_run.events : none;
    if (isComparing()) {
        QStringList circuitsB;
        if (m_runB.scenario)
            for (const PipelineSpec& p : m_runB.scenario->pipelines)
                if (p.breaker)
                    circuitsB.append(p.breaker->name);
        m_breakers->setResult(
            *m_run.result, events, *m_runB.result, circuitsB, m_runB.events ? *m_runB.events : none);
    } else {
        m_breakers->setResult(*m_run.result, events);
    }
}

std::vector<ChartView*> ResultsView::charts() const { return { m_breakers, m_retries, m_traffic, m_latency }; }

void ResultsView::alignPlotAreas()
{
    m_alignQueued = false;
    const std::vector<ChartView*> views = charts();
    int left = 0, right = 0;
    std::vector<std::pair<int, int>> natural; // each plot's left and right inset without our padding
    for (std::size_t i = 0; i < views.size(); ++i) {
        const QChart* chart = views[i]->chart();
        const QRectF plot = chart->plotArea();
        const int l = qRound(plot.left()) - m_padding[i].left;
        const int r = qRound(chart->size().width() - plot.right()) - m_padding[i].right;
        natural.emplace_back(l, r);
        left = std::max(left, l);
        right = std::max(right, r);
    }
    for (std::size_t i = 0; i < views.size(); ++i) {
        Padding& p = m_padding[i];
        const int addLeft = left - natural[i].first;
        const int addRight = right - natural[i].second;
        if (addLeft == p.left && addRight == p.right)
            continue; // settled: no margin change, so no new layout pass
        p.left = addLeft;
        p.right = addRight;
        views[i]->chart()->setMargins(p.base + QMargins(addLeft, 0, addRight, 0));
    }
}

void ResultsView::applyFilter()
{
    const RunScope current = scope();
    m_traffic->setScope(current);
    m_latency->setScope(current);
    const QString pipeline = current.kind == RunScope::Kind::One ? current.pipeline : QString();
    m_retries->setPipelineFilter(pipeline);
    // The reference curves belong to one pipeline: the chosen one, or the first.
    const auto it = std::find_if(
        m_backoffs.begin(), m_backoffs.end(), [&](const auto& b) { return pipeline.isEmpty() || b.first == pipeline; });
    if (it != m_backoffs.end())
        m_retries->setBackoff(it->second, std::max(1, m_maxAttempts - 1));
    else
        m_retries->setBackoff(std::nullopt);
    // a scenario without any breaker says so instead of "no circuit breaker has changed state"
    const Scenario* scenario = m_run.scenario ? m_run.scenario.get() : m_scenario.get();
    const bool noBreaker = scenario
        && std::none_of(scenario->pipelines.begin(), scenario->pipelines.end(), [](const PipelineSpec& p) { return p.breaker.has_value(); });
    m_breakers->setNoLaneNote(noBreaker ? tr("No pipeline has a circuit breaker") : QString());
    if (pipeline.isEmpty())
        m_breakers->setCircuitFilter(std::nullopt);
    else
        m_breakers->setCircuitFilter(circuitsOf(pipeline), tr("%1 has no circuit breaker").arg(pipeline));
    // the key of the per-pipeline lines
    const QStringList names = pipelines();
    const bool each = current.kind == RunScope::Kind::Each && names.size() > 1;
    m_wantPipelineKey = each;
    if (each) {
        QStringList parts;
        for (int i = 0; i < names.size(); ++i)
            parts << (i == 0 ? QStringLiteral("<b>━</b> %1") : QStringLiteral("─ %1")).arg(names.at(i).toHtmlEscaped());
        m_pipelineKey->setText(parts.join(QStringLiteral(" &nbsp; ")));
    }
    fitHeaderNotes();
    emit scopeChanged(current);
}

void ResultsView::clear(std::shared_ptr<const Scenario> scenario)
{
    m_run = {};
    m_runB = {};
    m_scenario = std::move(scenario);
    m_wantCompareKey = false;
    fitHeaderNotes();
    m_sync->resetData();
    m_breakers->clear();
    m_retries->clear();
    m_traffic->clear();
    m_latency->clear();
    if (m_scenario) // live: which circuit guards which pipeline is known, not learned
        for (const PipelineSpec& p : m_scenario->pipelines)
            if (p.breaker) {
                const QString circuit = p.breaker->name.isEmpty() ? p.name() : p.breaker->name;
                m_traffic->setCircuit(circuit, p.name());
                m_latency->setCircuit(circuit, p.name());
            }
}

void ResultsView::appendEvents(const std::vector<Event>& events)
{
    m_breakers->appendEvents(events);
    m_retries->appendEvents(events);
    m_traffic->appendEvents(events);
    m_latency->appendEvents(events);
    if (m_traffic->pipelines().size() != pipelines().size())
        updateScopeChoices(m_traffic->pipelines()); // a replay or live run shows its pipelines as they appear
    else if (scope().kind == RunScope::Kind::One && !m_scenario)
        m_breakers->setCircuitFilter(circuitsOf(scope().pipeline), tr("%1 has no circuit breaker").arg(scope().pipeline));
}

void ResultsView::finishEvents()
{
    m_traffic->finishEvents();
    m_latency->finishEvents();
}

void ResultsView::setPresenterMode(bool on)
{
    const std::vector<ChartView*> views = charts();
    for (std::size_t i = 0; i < views.size(); ++i) {
        views[i]->setPresenterMode(on);
        // a chart may size its own margins to its fonts (the retry labels): align from those
        Padding& p = m_padding[i];
        const QMargins now = views[i]->chart()->margins();
        if (now != p.base + QMargins(p.left, 0, p.right, 0))
            p = { now };
    }
    if (!std::exchange(m_alignQueued, true))
        QMetaObject::invokeMethod(this, &ResultsView::alignPlotAreas, Qt::QueuedConnection);
    m_presenterHint = on; // the audience does not need the mouse help; the space goes to the charts
    fitHeaderNotes();
}

void ResultsView::markTime(double seconds)
{
    for (ChartView* chart : charts())
        chart->markTime(seconds);
}

void ResultsView::setFollowMode(bool follow)
{
    m_sync->setFollowMode(follow);
}

bool ResultsView::exportPngs(const QString& dir, const QString& prefix, QString* error)
{
    const std::pair<ChartView*, const char*> charts[] = { { m_breakers, "breaker-states" },
        { m_retries, "retry-delays" }, { m_traffic, "traffic" }, { m_latency, "latency" } };
    for (const auto& [chart, name] : charts) {
        if (!chart->exportPng(QDir(dir).filePath(prefix + QLatin1String(name) + QStringLiteral(".png")), error))
            return false;
    }
    return true;
}

} // namespace rwb
