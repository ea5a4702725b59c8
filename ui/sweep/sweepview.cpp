#include "ui/sweep/sweepview.h"

#include "core/config/jsonpointer.h"
#include "core/config/scenariojson.h"
#include "ui/editors/parametercatalog.h"
#include "ui/sweep/sweepheatmap.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineSeries>
#include <QProgressBar>
#include <QPushButton>
#include <QScatterSeries>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTimer>
#include <QValueAxis>

#include <cmath>
#include <limits>

namespace rwb {

struct SweepView::Row {
    QWidget* container = nullptr;
    QComboBox* parameter = nullptr;
    QDoubleSpinBox* low = nullptr;
    QDoubleSpinBox* high = nullptr;
    QSpinBox* steps = nullptr;
};

namespace {

constexpr int kDefaultRealSteps = 10;
constexpr int kMaxSteps = 60;

bool isNumericKind(ParameterSpec::Kind kind)
{
    using K = ParameterSpec::Kind;
    return kind == K::Integer || kind == K::Real || kind == K::Fraction || kind == K::Duration;
}

QString figureLabel(const figures::FigureInfo& f)
{
    return f.unit == QLatin1String("count") || f.unit == QLatin1String("ratio")
        ? f.name
        : QStringLiteral("%1 (%2)").arg(f.name, f.unit);
}

QChart* plainChart(const QString& title)
{
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    return chart;
}

void setRange(QValueAxis* axis, double lo, double hi)
{
    if (!std::isfinite(lo) || !std::isfinite(hi))
        return;
    // 5 % of room on each side so points on the ends are not cut in half by the plot's edge.
    const double pad = hi > lo ? (hi - lo) * 0.05 : std::max(std::abs(lo) * 0.05, 1e-6);
    axis->setRange(lo - pad, hi + pad);
    axis->applyNiceNumbers();
}

} // namespace

SweepView::SweepView(QWidget* parent)
    : QWidget(parent)
{
    for (const auto& f : figures::catalog())
        m_figures.push_back({ f.name, {} });

    auto* layout = new QVBoxLayout(this);
    auto* grid = new QGridLayout;
    grid->addWidget(new QLabel(tr("Parameter")), 0, 1);
    grid->addWidget(new QLabel(tr("From")), 0, 2);
    grid->addWidget(new QLabel(tr("To")), 0, 3);
    grid->addWidget(new QLabel(tr("Steps")), 0, 4);
    for (int i = 0; i < 2; ++i) {
        m_rows[i] = std::make_unique<Row>();
        buildParameterRow(*m_rows[i], this);
        Row& row = *m_rows[i];
        grid->addWidget(row.parameter, i + 1, 1);
        grid->addWidget(row.low, i + 1, 2);
        grid->addWidget(row.high, i + 1, 3);
        grid->addWidget(row.steps, i + 1, 4);
    }
    grid->addWidget(new QLabel(tr("1")), 1, 0);
    m_second = new QCheckBox(tr("2"));
    m_second->setToolTip(tr("Sweep a second parameter: a heatmap instead of a line chart"));
    grid->addWidget(m_second, 2, 0);
    grid->setColumnStretch(1, 1);
    layout->addLayout(grid);
    connect(m_second, &QCheckBox::toggled, this, &SweepView::setSecondParameterEnabled);
    setSecondParameterEnabled(false);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Colour by")));
    m_colour = new QComboBox;
    for (const auto& f : figures::catalog())
        m_colour->addItem(figureLabel(f), f.name);
    m_colour->setToolTip(tr("The figure the line chart plots or the heatmap colours by"));
    controls->addWidget(m_colour, 1);
    controls->addWidget(new QLabel(tr("Seeds")));
    m_seeds = new QSpinBox;
    m_seeds->setObjectName(QStringLiteral("seeds"));
    m_seeds->setRange(1, 10);
    m_seeds->setToolTip(tr("Runs per point (the scenario's seed and the following ones); figures are their mean"));
    controls->addWidget(m_seeds);
    m_run = new QPushButton(tr("Run sweep"));
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setEnabled(false);
    controls->addWidget(m_run);
    controls->addWidget(m_cancel);
    layout->addLayout(controls);
    auto* progressRow = new QHBoxLayout;
    m_progress = new QProgressBar;
    m_progress->setTextVisible(true);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    progressRow->addWidget(m_progress, 1);
    layout->addLayout(progressRow);
    layout->addWidget(m_status);

    m_charts = new QStackedWidget;
    m_line = new QLineSeries;
    m_line->setPointsVisible(true);
    auto* lineChart = plainChart(QString());
    lineChart->addSeries(m_line);
    lineChart->legend()->hide();
    for (Qt::Alignment side : { Qt::AlignBottom, Qt::AlignLeft }) {
        auto* axis = new QValueAxis;
        lineChart->addAxis(axis, side);
        m_line->attachAxis(axis);
    }
    m_lineView = new QChartView(lineChart);
    m_lineView->setRenderHint(QPainter::Antialiasing);
    m_lineView->setMinimumHeight(200);
    m_heatmap = new SweepHeatmap;
    m_charts->addWidget(m_lineView);
    m_charts->addWidget(m_heatmap);
    layout->addWidget(m_charts, 3);

    auto* paretoRow = new QHBoxLayout;
    paretoRow->addWidget(new QLabel(tr("Pareto: x")));
    m_paretoX = new QComboBox;
    m_paretoY = new QComboBox;
    for (const auto& f : figures::catalog()) {
        m_paretoX->addItem(figureLabel(f), f.name);
        m_paretoY->addItem(figureLabel(f), f.name);
    }
    paretoRow->addWidget(m_paretoX, 1);
    paretoRow->addWidget(new QLabel(tr("y")));
    paretoRow->addWidget(m_paretoY, 1);
    layout->addLayout(paretoRow);
    m_scatter = new QScatterSeries;
    m_scatter->setName(tr("configurations"));
    m_scatter->setMarkerSize(7);
    m_pareto = new QScatterSeries;
    m_pareto->setName(tr("Pareto front (click: load as variant B)"));
    m_pareto->setMarkerSize(11);
    m_pareto->setColor(QColor(0xd6, 0x27, 0x28));
    auto* scatterChart = plainChart(QString());
    scatterChart->addSeries(m_scatter);
    scatterChart->addSeries(m_pareto);
    for (Qt::Alignment side : { Qt::AlignBottom, Qt::AlignLeft }) {
        auto* axis = new QValueAxis;
        scatterChart->addAxis(axis, side);
        m_scatter->attachAxis(axis);
        m_pareto->attachAxis(axis);
    }
    m_scatterView = new QChartView(scatterChart);
    m_scatterView->setRenderHint(QPainter::Antialiasing);
    m_scatterView->setMinimumHeight(200);
    m_scatterView->setToolTip(tr("Click a point to load that configuration as variant B of the A/B compare"));
    layout->addWidget(m_scatterView, 2);

    setColourFigure(QStringLiteral("success_rate"));
    setParetoFigures(QStringLiteral("load_on_service"), QStringLiteral("success_rate"));

    m_poll = new QTimer(this);
    m_poll->setInterval(100);
    connect(m_poll, &QTimer::timeout, this, &SweepView::poll);
    connect(m_run, &QPushButton::clicked, this, [this] { start(); });
    connect(m_cancel, &QPushButton::clicked, this, &SweepView::cancel);
    for (QComboBox* box : { m_colour, m_paretoX, m_paretoY })
        connect(box, &QComboBox::currentIndexChanged, this, &SweepView::redraw);
    const auto clicked = [this](const QPointF& p) { requestPoint(nearestScatterPoint(p)); };
    connect(m_scatter, &QScatterSeries::clicked, this, clicked);
    connect(m_pareto, &QScatterSeries::clicked, this, clicked);
    connect(m_heatmap, &SweepHeatmap::pointClicked, this, &SweepView::requestPoint);
}

SweepView::~SweepView() = default;

void SweepView::buildParameterRow(Row& row, QWidget* parent)
{
    row.parameter = new QComboBox(parent);
    row.parameter->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    row.parameter->setMinimumContentsLength(16);
    row.low = new QDoubleSpinBox(parent);
    row.high = new QDoubleSpinBox(parent);
    for (QDoubleSpinBox* box : { row.low, row.high })
        box->setRange(-1e9, 1e9);
    row.steps = new QSpinBox(parent);
    row.steps->setRange(2, kMaxSteps);
    row.steps->setValue(kDefaultRealSteps);
    connect(row.parameter, &QComboBox::currentIndexChanged, this, [this, &row](int index) {
        if (index < 0)
            return;
        // A starting range around the current value: a quarter to four times it.
        const bool integer = row.parameter->itemData(index, Qt::UserRole + 1).toBool();
        QJsonValue current = QJsonValue(QJsonValue::Undefined);
        if (const ScenarioLoad loaded = scenariojson::fromJson(m_document); loaded.ok())
            current = json::get(scenariojson::toJson(*loaded.scenario), row.parameter->itemData(index).toString());
        const double v = current.toDouble();
        const int decimals = integer ? 0 : 3;
        for (QDoubleSpinBox* box : { row.low, row.high })
            box->setDecimals(decimals);
        double low = v > 0 ? v / 4 : 0;
        double high = v > 0 ? v * 4 : 10;
        if (integer) {
            low = std::max(1.0, std::floor(low));
            high = std::max(low + 1, std::ceil(high));
        }
        row.low->setValue(low);
        row.high->setValue(high);
        row.steps->setValue(integer ? int(std::min<double>(high - low + 1, 12)) : kDefaultRealSteps);
    });
}

void SweepView::setScenario(const QJsonObject& document)
{
    m_document = document;
    const ScenarioLoad loaded = scenariojson::fromJson(document);
    if (!loaded.ok()) {
        m_status->setText(tr("The scenario has errors; fix them to sweep it."));
        m_run->setEnabled(false);
        return;
    }
    m_run->setEnabled(!isRunning());
    const QJsonValue canonical = scenariojson::toJson(*loaded.scenario);
    QList<QPair<QString, QString>> choices;
    QList<bool> integers;
    const auto offer = [&](const QString& prefix, const QString& label, const ParameterGroup& group) {
        for (const ParameterSpec& spec : group.parameters) {
            const QString pointer = prefix + spec.key;
            if (!isNumericKind(spec.kind) || !json::get(canonical, pointer).isDouble())
                continue;
            choices.append({ QStringLiteral("%1 › %2").arg(label, spec.label), pointer });
            integers.append(spec.kind == ParameterSpec::Kind::Integer);
        }
    };
    const QJsonArray pipelines = canonical[QStringLiteral("pipelines")].toArray();
    for (int i = 0; i < pipelines.size(); ++i)
        for (const ParameterGroup& g : catalog::pipelineGroups())
            offer(QStringLiteral("/pipelines/%1/%2/").arg(i).arg(g.key),
                QStringLiteral("%1 › %2").arg(pipelines[i][QStringLiteral("name")].toString(), g.title), g);
    const QJsonArray services = canonical[QStringLiteral("services")].toArray();
    for (int i = 0; i < services.size(); ++i)
        offer(QStringLiteral("/services/%1/fault/").arg(i), services[i][QStringLiteral("name")].toString(),
            catalog::faultProfileGroup());
    const QJsonArray clients = canonical[QStringLiteral("clients")].toArray();
    for (int i = 0; i < clients.size(); ++i)
        offer(QStringLiteral("/clients/%1/").arg(i), clients[i][QStringLiteral("name")].toString(),
            catalog::clientGroup());
    if (choices == m_choices)
        return;
    m_choices = choices;
    for (const auto& row : m_rows) {
        const QString kept = row->parameter->currentData().toString();
        QSignalBlocker block(row->parameter);
        row->parameter->clear();
        for (int i = 0; i < choices.size(); ++i) {
            row->parameter->addItem(choices[i].first, choices[i].second);
            row->parameter->setItemData(i, integers[i], Qt::UserRole + 1);
        }
        const int index = row->parameter->findData(kept);
        row->parameter->setCurrentIndex(-1);
        block.unblock(); // let the pick fill in the range
        row->parameter->setCurrentIndex(index >= 0 ? index : (&row == &m_rows[1] && choices.size() > 1 ? 1 : 0));
    }
}

QList<QPair<QString, QString>> SweepView::parameterChoices() const
{
    return m_choices;
}

bool SweepView::setParameter(int which, const QString& pointer, double low, double high, int steps)
{
    Row& row = *m_rows[which == 0 ? 0 : 1];
    const int index = row.parameter->findData(pointer);
    if (index < 0)
        return false;
    if (which == 1)
        m_second->setChecked(true);
    row.parameter->setCurrentIndex(index);
    row.low->setValue(low);
    row.high->setValue(high);
    row.steps->setValue(steps);
    return true;
}

void SweepView::setSecondParameterEnabled(bool on)
{
    if (m_second->isChecked() != on)
        m_second->setChecked(on);
    for (QWidget* w : { static_cast<QWidget*>(m_rows[1]->parameter), static_cast<QWidget*>(m_rows[1]->low),
             static_cast<QWidget*>(m_rows[1]->high), static_cast<QWidget*>(m_rows[1]->steps) })
        w->setEnabled(on);
}

void SweepView::setColourFigure(const QString& name)
{
    m_colour->setCurrentIndex(m_colour->findData(name));
}

void SweepView::setParetoFigures(const QString& x, const QString& y)
{
    m_paretoX->setCurrentIndex(m_paretoX->findData(x));
    m_paretoY->setCurrentIndex(m_paretoY->findData(y));
}

int SweepView::pointCount() const
{
    return m_plan ? int(m_plan->points().size()) : 0;
}

QString SweepView::statusText() const
{
    return m_status->text();
}

bool SweepView::start()
{
    if (isRunning())
        return false;
    const ScenarioLoad loaded = scenariojson::fromJson(m_document);
    if (!loaded.ok()) {
        m_status->setText(tr("The scenario has errors; fix them to sweep it."));
        return false;
    }
    std::vector<SweepParameter> parameters;
    for (int i = 0; i < (m_second->isChecked() ? 2 : 1); ++i) {
        const Row& row = *m_rows[i];
        const bool integer = row.parameter->currentData(Qt::UserRole + 1).toBool();
        const int steps = row.steps->value();
        const QString low
            = integer ? QString::number(qint64(row.low->value())) : QString::number(row.low->value(), 'f', 6);
        const QString high
            = integer ? QString::number(qint64(row.high->value())) : QString::number(row.high->value(), 'f', 6);
        const bool everyInteger = integer && row.high->value() - row.low->value() + 1 <= steps;
        const QString spec = row.parameter->currentData().toString() + QLatin1Char('=') + low + QStringLiteral("..")
            + high + (everyInteger ? QString() : QStringLiteral(":%1").arg(steps));
        QString error;
        const auto parameter = SweepParameter::parse(spec, &error);
        if (!parameter) {
            m_status->setText(error);
            return false;
        }
        parameters.push_back(*parameter);
    }
    LoadErrors errors;
    auto plan = SweepPlan::create(*loaded.scenario, std::move(parameters), {}, m_seeds->value(), &errors);
    if (!plan) {
        m_status->setText(errors.front().toString());
        return false;
    }
    m_plan = std::make_unique<SweepPlan>(std::move(*plan));
    const std::size_t points = m_plan->points().size();
    m_sums.assign(points, std::vector<double>(m_figures.size(), 0.0));
    m_seedsDone.assign(points, 0);
    m_finishedPoints = 0;
    if (m_plan->parameters().size() == 2) {
        QStringList columns, rows;
        for (const QJsonValue& v : m_plan->parameters()[0].gridValues())
            columns << QString::number(v.toDouble(), 'g', 4);
        for (const QJsonValue& v : m_plan->parameters()[1].gridValues())
            rows << QString::number(v.toDouble(), 'g', 4);
        m_heatmap->reset(columns, rows, m_rows[0]->parameter->currentText(), m_rows[1]->parameter->currentText());
        m_charts->setCurrentWidget(m_heatmap);
    } else {
        m_charts->setCurrentWidget(m_lineView);
    }
    m_runner = std::make_unique<SweepRunner>(*m_plan, m_plan->tasks(), 0, m_figures);
    m_progress->setRange(0, m_runner->total());
    m_progress->setValue(0);
    m_status->setText(tr("Sweeping %n point(s)…", nullptr, int(points)));
    m_run->setEnabled(false);
    m_cancel->setEnabled(true);
    redraw();
    m_runner->start();
    m_poll->start();
    return true;
}

void SweepView::cancel()
{
    if (isRunning())
        finish(true);
}

void SweepView::poll()
{
    if (!m_runner)
        return;
    const auto apply = [this](std::vector<SweepRecord> records) {
        for (const SweepRecord& r : records) {
            auto& sums = m_sums[std::size_t(r.task.point)];
            for (std::size_t f = 0; f < sums.size(); ++f)
                sums[f] += r.figures[f];
            if (++m_seedsDone[std::size_t(r.task.point)] == m_plan->seedCount())
                ++m_finishedPoints;
        }
        return !records.empty();
    };
    const bool changed = apply(m_runner->takeReady());
    m_progress->setValue(m_runner->finishedCount());
    if (m_runner->isDone()) {
        finish(false);
        return;
    }
    if (changed)
        redraw();
}

void SweepView::finish(bool cancelled)
{
    m_poll->stop();
    m_runner->cancel();
    m_runner->wait(); // a cancelled simulation stops within a simulated second
    for (const SweepRecord& r : m_runner->takeFinished()) {
        auto& sums = m_sums[std::size_t(r.task.point)];
        for (std::size_t f = 0; f < sums.size(); ++f)
            sums[f] += r.figures[f];
        if (++m_seedsDone[std::size_t(r.task.point)] == m_plan->seedCount())
            ++m_finishedPoints;
    }
    m_progress->setValue(m_runner->finishedCount());
    m_runner.reset();
    m_run->setEnabled(true);
    m_cancel->setEnabled(false);
    m_status->setText(cancelled ? tr("Cancelled: %1 of %2 points done.").arg(m_finishedPoints).arg(pointCount())
                                : tr("%1 points done. Click a point to load it as variant B.").arg(m_finishedPoints));
    redraw();
    emit finished();
}

int SweepView::figureIndex(const QString& name) const
{
    for (std::size_t i = 0; i < m_figures.size(); ++i)
        if (m_figures[i].name == name)
            return int(i);
    return 0;
}

double SweepView::pointValue(int point, int figure) const
{
    const int seeds = m_seedsDone[std::size_t(point)];
    if (!m_plan || seeds < m_plan->seedCount())
        return std::numeric_limits<double>::quiet_NaN();
    return m_sums[std::size_t(point)][std::size_t(figure)] / seeds;
}

void SweepView::redraw()
{
    if (!m_plan)
        return;
    const int colour = figureIndex(m_colour->currentData().toString());
    const auto& info = figures::catalog()[std::size_t(colour)];
    const int points = int(m_plan->points().size());
    if (m_plan->parameters().size() == 2) {
        m_heatmap->setFigure(info.name,
            info.unit == QLatin1String("count") || info.unit == QLatin1String("ratio") ? QString() : info.unit);
        for (int i = 0; i < points; ++i)
            m_heatmap->setValue(i, pointValue(i, colour));
    } else {
        QList<QPointF> line;
        double lo = INFINITY, hi = -INFINITY;
        for (int i = 0; i < points; ++i) {
            const double v = pointValue(i, colour);
            if (std::isnan(v) || !std::isfinite(v))
                continue;
            line.append({ m_plan->points()[std::size_t(i)][0].toDouble(), v });
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        m_line->replace(line);
        const auto axes = m_lineView->chart()->axes();
        setRange(static_cast<QValueAxis*>(axes[0]), m_plan->parameters()[0].low(), m_plan->parameters()[0].high());
        static_cast<QValueAxis*>(axes[0])->setTitleText(m_rows[0]->parameter->currentText());
        setRange(static_cast<QValueAxis*>(axes[1]), lo, hi);
        static_cast<QValueAxis*>(axes[1])->setTitleText(figureLabel(info));
    }

    // Pareto scatter: every finished point, and those no other beats on both figures.
    const int fx = figureIndex(m_paretoX->currentData().toString());
    const int fy = figureIndex(m_paretoY->currentData().toString());
    const bool xHigher = figures::catalog()[std::size_t(fx)].better == figures::Better::Higher;
    const bool yHigher = figures::catalog()[std::size_t(fy)].better == figures::Better::Higher;
    QList<QPointF> all, front;
    for (int i = 0; i < points; ++i) {
        const QPointF p(pointValue(i, fx), pointValue(i, fy));
        if (std::isnan(p.x()) || std::isnan(p.y()) || !std::isfinite(p.x()) || !std::isfinite(p.y()))
            continue;
        all.append(p);
    }
    const auto atLeastAsGood = [&](const QPointF& a, const QPointF& b) { // a vs b
        return (xHigher ? a.x() >= b.x() : a.x() <= b.x()) && (yHigher ? a.y() >= b.y() : a.y() <= b.y());
    };
    for (const QPointF& p : all) {
        const bool dominated
            = std::any_of(all.begin(), all.end(), [&](const QPointF& q) { return q != p && atLeastAsGood(q, p); });
        if (!dominated && !front.contains(p))
            front.append(p);
    }
    m_scatter->replace(all);
    m_pareto->replace(front);
    const auto axes = m_scatterView->chart()->axes();
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    for (const QPointF& p : all) {
        xlo = std::min(xlo, p.x());
        xhi = std::max(xhi, p.x());
        ylo = std::min(ylo, p.y());
        yhi = std::max(yhi, p.y());
    }
    setRange(static_cast<QValueAxis*>(axes[0]), xlo, xhi);
    setRange(static_cast<QValueAxis*>(axes[1]), ylo, yhi);
    static_cast<QValueAxis*>(axes[0])->setTitleText(figureLabel(figures::catalog()[std::size_t(fx)]));
    static_cast<QValueAxis*>(axes[1])->setTitleText(figureLabel(figures::catalog()[std::size_t(fy)]));
}

int SweepView::nearestScatterPoint(const QPointF& value) const
{
    if (!m_plan)
        return -1;
    const int fx = figureIndex(m_paretoX->currentData().toString());
    const int fy = figureIndex(m_paretoY->currentData().toString());
    const auto axes = m_scatterView->chart()->axes();
    const auto* ax = static_cast<QValueAxis*>(axes[0]);
    const auto* ay = static_cast<QValueAxis*>(axes[1]);
    const double sx = std::max(ax->max() - ax->min(), 1e-12);
    const double sy = std::max(ay->max() - ay->min(), 1e-12);
    int best = -1;
    double bestDistance = INFINITY;
    for (int i = 0; i < int(m_plan->points().size()); ++i) {
        const double x = pointValue(i, fx), y = pointValue(i, fy);
        if (std::isnan(x) || std::isnan(y))
            continue;
        const double d = std::hypot((x - value.x()) / sx, (y - value.y()) / sy); // in axis fractions
        if (d < bestDistance) {
            bestDistance = d;
            best = i;
        }
    }
    return best;
}

void SweepView::requestPoint(int point)
{
    if (!m_plan || point < 0 || point >= int(m_plan->points().size()) || m_seedsDone[std::size_t(point)] == 0)
        return;
    emit variantRequested(m_plan->parameterObject(m_plan->points()[std::size_t(point)]));
}

} // namespace rwb
