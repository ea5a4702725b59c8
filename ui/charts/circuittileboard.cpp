#include "ui/charts/circuittileboard.h"

#include "core/policy/circuitbreaker.h"
#include "core/run/scenario.h"
#include "core/run/runresult.h"

#include <QGridLayout>
#include <QMenu>
#include <QResizeEvent>
#include <QScrollBar>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace rwb {

namespace {
constexpr int kMaxRefused = 100000;
} // namespace

CircuitTileBoard::CircuitTileBoard(QWidget* parent)
    : QScrollArea(parent)
{
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_content = new QWidget;
    m_grid = new QGridLayout(m_content);
    m_grid->setContentsMargins(6, 6, 6, 6);
    m_grid->setSpacing(8);
    m_grid->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    setWidget(m_content);
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    m_timer->setInterval(250);
    connect(m_timer, &QTimer::timeout, this, &CircuitTileBoard::refreshNow);
}

CircuitTileBoard::~CircuitTileBoard() = default;

void CircuitTileBoard::clear()
{
    for (auto& e : m_entries)
        delete e->tile;
    m_entries.clear();
    m_index.clear();
    m_order.clear();
    m_refusedBy.clear();
    m_now = {};
    m_simulate = false;
    m_columns = 0;
}

void CircuitTileBoard::setCircuitForPipeline(const QString& pipeline, const QString& circuit)
{
    learnCircuit(pipeline, circuit);
}

void CircuitTileBoard::setNow(TimePoint now)
{
    if (now <= m_now)
        return;
    m_now = now;
    m_simulate = false;
    scheduleRefresh();
}

void CircuitTileBoard::setWindow(Duration window)
{
    m_window = std::clamp<Duration>(window, std::chrono::seconds(1), std::chrono::seconds(60));
    scheduleRefresh();
}

void CircuitTileBoard::setPresenterMode(bool on)
{
    m_presenter = on;
    for (auto& e : m_entries)
        e->tile->setPresenterMode(on);
    m_columns = 0;
    relayout();
}

void CircuitTileBoard::setScenario(const Scenario* scenario)
{
    if (!scenario) {
        m_breakers.reset();
        return;
    }
    QHash<QString, bool> breakers;
    for (const PipelineSpec& p : scenario->pipelines) {
        const QString circuit = p.breaker ? (p.breaker->name.isEmpty() ? p.name() : p.breaker->name) : p.name();
        breakers.insert(circuit, p.breaker.has_value());
        if (circuit != p.name())
            m_tileOfPipeline.insert(p.name(), circuit);
        else
            m_tileOfPipeline.remove(p.name());
    }
    m_breakers = breakers;
}

bool CircuitTileBoard::hasBreaker(const QString& tile, const Entry& e) const
{
    return m_breakers ? m_breakers->value(tile, false) : e.breakerSeen;
}

void CircuitTileBoard::learnCircuit(const QString& pipeline, const QString& circuit)
{
    if (circuit == pipeline || m_tileOfPipeline.value(pipeline) == circuit)
        return;
    m_tileOfPipeline.insert(pipeline, circuit);
    const auto own = m_index.constFind(pipeline);
    if (own == m_index.constEnd())
        return;
    // Until now the pipeline's calls were counted on a tile of its own: move them to the circuit's.
    const int from = *own;
    Entry& target = entry(circuit, pipeline);
    Entry& source = *m_entries[static_cast<std::size_t>(from)];
    source.perSecond.forEach([&](const Slot& s) {
        Slot& t = slot(target, TimePoint(std::chrono::seconds(s.second)));
        t.successes += s.successes;
        t.failures += s.failures;
        t.timeouts += s.timeouts;
        t.shortCircuited += s.shortCircuited;
        t.fallbacks += s.fallbacks;
        t.latencies.merge(s.latencies);
    });
    delete source.tile;
    m_entries.erase(m_entries.begin() + from);
    m_order.removeAt(from);
    m_index.clear();
    for (int i = 0; i < m_order.size(); ++i)
        m_index.insert(m_order.at(i), i);
    m_columns = 0;
    relayout();
}

void CircuitTileBoard::setScope(const RunScope& scope)
{
    if (scope == m_scope)
        return;
    m_scope = scope;
    m_columns = 0;
    relayout();
}

CircuitTileBoard::Entry& CircuitTileBoard::entry(const QString& name, const QString& pipeline)
{
    if (auto it = m_index.constFind(name); it != m_index.constEnd()) {
        Entry& e = *m_entries[static_cast<std::size_t>(*it)];
        if (!pipeline.isEmpty() && !e.pipelines.contains(pipeline)) {
            e.pipelines.append(pipeline);
            m_columns = 0;
            relayout(); // the scope may show it now
        }
        return e;
    }
    auto e = std::make_unique<Entry>();
    e->tile = new CircuitTile(m_content);
    e->tile->setPresenterMode(m_presenter);
    e->tile->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(e->tile, &QWidget::customContextMenuRequested, this, [this, tile = e->tile, name](const QPoint& at) {
        if (QMenu* menu = breakerMenu(name)) {
            menu->setAttribute(Qt::WA_DeleteOnClose);
            menu->popup(tile->mapToGlobal(at));
        }
    });
    if (!pipeline.isEmpty())
        e->pipelines.append(pipeline);
    CircuitTileData d;
    d.name = name;
    d.pipelines = e->pipelines;
    e->tile->setData(d);
    m_index.insert(name, static_cast<int>(m_entries.size()));
    m_order.append(name);
    m_entries.push_back(std::move(e));
    m_columns = 0;
    relayout();
    return *m_entries.back();
}

CircuitTile* CircuitTileBoard::tile(const QString& name) const
{
    auto it = m_index.constFind(name);
    if (it == m_index.constEnd())
        it = m_index.constFind(tileOf(name));
    return it == m_index.constEnd() ? nullptr : m_entries[static_cast<std::size_t>(*it)]->tile;
}

CircuitTileBoard::Slot& CircuitTileBoard::slot(Entry& e, TimePoint t)
{
    const std::int64_t second = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
    if (e.perSecond.empty() || e.perSecond.back().second < second) {
        Slot s;
        s.second = second;
        e.perSecond.push(std::move(s));
        return e.perSecond.back();
    }
    // late event: find its second (perSecond are few), or account it to the oldest kept
    for (std::size_t i = e.perSecond.size(); i-- > 0;)
        if (e.perSecond[i].second <= second)
            return e.perSecond[i];
    return e.perSecond[0];
}

void CircuitTileBoard::appendEvents(const std::vector<Event>& events)
{
    if (events.empty())
        return;
    m_simulate = false;
    for (const Event& ev : events) {
        m_now = std::max(m_now, ev.time);
        switch (ev.kind) {
        case EventKind::Attempt:
            if (ev.outcome == OutcomeKind::Timeout) {
                Entry& e = entry(tileOf(ev.source), ev.source);
                ++slot(e, ev.time).timeouts;
            }
            break;
        case EventKind::BreakerRejected: {
            Entry& e = entry(ev.source); // a circuit's event
            ++slot(e, ev.time).shortCircuited;
            e.breakerSeen = true;
            e.openUntil = ev.delay > Duration::zero() ? std::optional<TimePoint>(ev.time + ev.delay) : e.openUntil;
            if (ev.requestId != 0) {
                if (m_refusedBy.size() > kMaxRefused)
                    m_refusedBy.clear();
                m_refusedBy.insert(ev.requestId, ev.source);
            }
            break;
        }
        case EventKind::BreakerTransition: {
            Entry& e = entry(ev.source);
            e.state = ev.to;
            e.breakerSeen = true;
            if (ev.to != BreakerState::Open)
                e.openUntil.reset();
            break;
        }
        case EventKind::RequestDone: {
            if (auto it = m_refusedBy.find(ev.requestId); it != m_refusedBy.end()) {
                const QString circuit = *it;
                m_refusedBy.erase(it);
                if (!m_tileOfPipeline.contains(ev.source))
                    learnCircuit(ev.source, circuit); // learned: `circuit` guards this pipeline
            }
            Entry& e = entry(tileOf(ev.source), ev.source);
            Slot& s = slot(e, ev.time);
            if (ev.fallback)
                ++s.fallbacks;
            else if (ev.outcome == OutcomeKind::Success)
                ++s.successes;
            else
                ++s.failures;
            s.latencies.add(ev.total.count());
            break;
        }
        default:
            break;
        }
    }
    scheduleRefresh();
}

void CircuitTileBoard::setResult(const RunResult& result, const std::vector<Event>& events)
{
    clear();
    m_simulate = true;
    QHash<QString, BreakerState> finalState; // by circuit
    for (const Event& ev : events)
        if (ev.kind == EventKind::BreakerTransition)
            finalState.insert(ev.source, ev.to);
    for (const PipelineSeries& p : result.pipelines)
        if (!p.breaker.isEmpty())
            learnCircuit(p.name, p.breaker);
    // Each tile adds up the pipelines it guards (a shared circuit counts every caller).
    QHash<QString, PipelineTotal> totals;
    QHash<QString, std::vector<double>> perBucket; // requests per bucket
    QHash<QString, BreakerState> lastState;
    for (const PipelineSeries& p : result.pipelines) {
        const QString name = tileOf(p.name);
        entry(name, p.name);
        totals[name].add(p);
        std::vector<double>& requests = perBucket[name];
        requests.resize(std::max(requests.size(), p.buckets.size()));
        for (std::size_t i = 0; i < p.buckets.size(); ++i)
            requests[i] += p.buckets[i].requests;
        if (!p.buckets.empty())
            lastState.insert(name, p.buckets.back().breakerState);
    }
    const double seconds = std::max(toSeconds(result.duration), 1e-9);
    for (const QString& name : m_order) {
        Entry& e = *m_entries[static_cast<std::size_t>(m_index.value(name))];
        const PipelineSummary& s = totals[name].summary();
        CircuitTileData d;
        d.name = name;
        d.state = finalState.value(name, lastState.value(name, BreakerState::Closed));
        d.hasBreaker = hasBreaker(name, e) || finalState.contains(name);
        d.successes = s.succeeded;
        d.failures = s.failed + s.rejected;
        d.timeouts = s.timeouts;
        d.shortCircuited = s.breakerRejections;
        d.fallbacks = s.fallbacks;
        const std::uint64_t finished = s.succeeded + s.fallbacks + s.failed + s.rejected;
        d.failureRate = finished ? double(s.failed + s.rejected + s.fallbacks) / double(finished) : 0.0;
        d.requestRate = double(s.requests) / seconds;
        d.p50Ms = s.latencyP50Ms;
        d.p95Ms = s.latencyP95Ms;
        d.p99Ms = s.latencyP99Ms;
        d.windowLabel = tr("whole run");
        // sparkline: requests per second over the run, folded into at most 60 points
        const std::vector<double>& requests = perBucket[name];
        const std::size_t n = requests.size();
        const std::size_t points = std::min<std::size_t>(n, 60);
        for (std::size_t i = 0; i < points; ++i) {
            const std::size_t from = i * n / points, to = std::max(from + 1, (i + 1) * n / points);
            double sum = 0;
            for (std::size_t b = from; b < to; ++b)
                sum += requests[b];
            d.sparkline.append(sum / double(to - from) / toSeconds(result.bucketWidth));
        }
        e.state = d.state;
        showTile(e, d);
    }
}

void CircuitTileBoard::showTile(Entry& e, CircuitTileData d) const
{
    d.pipelines = e.pipelines;
    e.tile->setData(d);
}

void CircuitTileBoard::applyStats(const QString& pipeline, const CircuitBreakerStats& stats)
{
    Entry& e = entry(tileOf(pipeline), pipeline);
    e.state = stats.state;
    e.breakerSeen = true;
    e.tile->applyStats(stats);
}

QMenu* CircuitTileBoard::breakerMenu(const QString& name)
{
    const auto it = m_index.constFind(name);
    if (m_menuMode == BreakerMenu::Off || it == m_index.constEnd())
        return nullptr;
    const Entry& e = *m_entries[static_cast<std::size_t>(*it)];
    if (!hasBreaker(name, e))
        return nullptr;
    auto* menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("breakerMenu"));
    const bool live = m_menuMode == BreakerMenu::Live;
    menu->addSection(live ? tr("Circuit %1: now").arg(name) : tr("Circuit %1: schedule at…").arg(name));
    const auto add = [this, menu, name, live](const QString& text, BreakerAction action, const QString& tip) {
        QAction* a = menu->addAction(live ? text : text + QStringLiteral("…"));
        a->setToolTip(tip);
        a->setData(toString(action.command));
        connect(a, &QAction::triggered, this, [this, name, action, live] {
            if (live)
                emit breakerActionRequested(name, action);
            else
                emit breakerScheduleRequested(name, action);
        });
    };
    using C = BreakerCommand;
    add(tr("Isolate (force open)"), { C::Isolate, {}, {} }, tr("Refuse every call until Release"));
    add(tr("Open for 30 s"), { C::Open, std::chrono::seconds(30), {} }, tr("Open; probes after 30 s as usual"));
    add(tr("Half-open"), { C::HalfOpen, {}, {} }, tr("Let probe calls through"));
    add(tr("Close"), { C::Close, {}, {} }, tr("Closed with a fresh window"));
    menu->addSeparator();
    add(tr("Disable (admit all, record nothing)"), { C::Disable, {}, {} }, tr("Until Release"));
    add(tr("Metrics only (never opens)"), { C::MetricsOnly, {}, {} }, tr("Records and reports, never refuses; until Release"));
    add(tr("Release"), { C::Release, {}, {} }, tr("End a forced mode: back to normal operation"));
    add(tr("Reset"), { C::Reset, {}, {} }, tr("Closed, every counter cleared"));
    return menu;
}

void CircuitTileBoard::scheduleRefresh()
{
    if (!m_timer->isActive())
        m_timer->start();
}

void CircuitTileBoard::refreshNow()
{
    m_timer->stop();
    if (m_simulate)
        return;
    const std::int64_t nowSecond = std::chrono::floor<std::chrono::seconds>(m_now.time_since_epoch()).count();
    const std::int64_t windowSeconds = std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(m_window).count());
    for (auto& ep : m_entries) {
        Entry& e = *ep;
        CircuitTileData d;
        d.name = e.tile->data().name;
        d.hasBreaker = hasBreaker(d.name, e);
        d.state = e.state;
        d.windowLabel = tr("last %1 s").arg(windowSeconds);
        LatencyHistogram latencies;
        QList<double> spark;
        std::int64_t expected = nowSecond - 59;
        if (!e.perSecond.empty())
            expected = std::max(expected, e.perSecond[0].second);
        e.perSecond.forEach([&](const Slot& s) {
            if (s.second > nowSecond - windowSeconds) {
                d.successes += s.successes;
                d.failures += s.failures;
                d.timeouts += s.timeouts;
                d.shortCircuited += s.shortCircuited;
                d.fallbacks += s.fallbacks;
                latencies.merge(s.latencies);
            }
            if (s.second < expected)
                return;
            for (; expected < s.second; ++expected)
                spark.append(0);
            spark.append(double(s.successes + s.failures + s.fallbacks));
            expected = s.second + 1;
        });
        for (; expected <= nowSecond; ++expected)
            spark.append(0);
        d.sparkline = spark;
        const std::uint64_t requests = d.successes + d.failures + d.fallbacks;
        d.failureRate = requests ? double(d.failures + d.fallbacks) / double(requests) : 0.0;
        d.requestRate = double(requests) / double(windowSeconds);
        d.p50Ms = latencies.percentile(0.50) / 1e6;
        d.p95Ms = latencies.percentile(0.95) / 1e6;
        d.p99Ms = latencies.percentile(0.99) / 1e6;
        if (e.state == BreakerState::Open && e.openUntil && *e.openUntil > m_now)
            d.timeUntilHalfOpen = *e.openUntil - m_now;
        showTile(e, d);
    }
}

void CircuitTileBoard::relayout()
{
    const int tileWidth = (m_presenter ? 400 : 268) + m_grid->spacing();
    const int available = std::max(1, viewport()->width() - 12);
    const int columns = std::max(1, available / tileWidth);
    if (columns == m_columns)
        return;
    m_columns = columns;
    for (auto& e : m_entries)
        m_grid->removeWidget(e->tile);
    int shown = 0;
    for (int i = 0; i < static_cast<int>(m_entries.size()); ++i) {
        const Entry& e = *m_entries[static_cast<std::size_t>(i)];
        CircuitTile* tile = e.tile;
        // a tile shows when *Show* selects any pipeline it counts (a circuit not yet tied to one: by its name)
        const bool visible = e.pipelines.isEmpty()
            ? m_scope.includes(m_order.at(i))
            : std::any_of(e.pipelines.begin(), e.pipelines.end(), [&](const QString& p) { return m_scope.includes(p); });
        tile->setVisible(visible);
        if (!visible)
            continue;
        m_grid->addWidget(tile, shown / columns, shown % columns);
        ++shown;
    }
}

void CircuitTileBoard::resizeEvent(QResizeEvent* event)
{
    QScrollArea::resizeEvent(event);
    relayout();
}

} // namespace rwb
