#pragma once

#include <QJsonObject>
#include <QString>

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

namespace rwb {

/// One figure of the simulator checked against theory: what was simulated, what the formula says,
/// and whether they agree within the tolerance.
struct FidelityCheck {
    QString model;      ///< "M/M/1, rho 0.8"
    QString figure;     ///< "mean sojourn (ms)", "p95 sojourn (ms)", "blocking probability", "KS p-value"
    double simulated = 0;
    double theory = 0;
    /// |simulated - theory| / theory; for a KS test, the statistic D.
    double error = 0;
    double tolerance = 0;  ///< relative error allowed; for a KS test, the smallest p-value accepted
    bool passed = false;
    QString note;          ///< the formula used

    QJsonObject toJson() const;
};

struct FidelityOptions {
    /// Customers per queueing case (jitter draws per KS case are the same number). The command's default
    /// gives means within 2 % and p95 within 3 % with a wide margin; tests use fewer with looser bounds.
    std::int64_t customers = 4'000'000;
    double meanTolerance = 0.02;
    double p95Tolerance = 0.03;
    double ksMinPValue = 0.01;
    std::uint64_t seed = 20261205;
    const std::atomic<bool>* cancel = nullptr;
    /// Called after each case with (cases done, cases in all).
    std::function<void(int done, int total)> progress;
};

/// Runs the reference cases through the real simulator (Scenario -> Simulator, the same code a user's
/// scenario goes through) and the real Backoff, and compares with closed-form results: M/M/1 mean and
/// p95, M/D/1 and M/G/1 means (Pollaczek-Khinchine), M/M/c mean (Erlang C), M/M/c/K blocking and
/// mean, Little's law, and the jitter distributions (Kolmogorov-Smirnov). docs/fidelity.md explains each.
std::vector<FidelityCheck> runFidelity(const FidelityOptions& options = {});

namespace queueing {
/// Erlang C: probability that an arrival waits in M/M/c with offered load a = lambda / mu (< c).
double erlangC(int c, double a);
/// M/M/c/K (K = c + waiting room): blocking probability and mean number in system.
struct FiniteQueue {
    double blocking = 0;
    double meanInSystem = 0;
};
FiniteQueue mmck(int c, int k, double lambda, double mu);
/// The p-value of the one-sample Kolmogorov-Smirnov statistic d over n samples (asymptotic, with
/// Stephens' small-sample correction).
double ksPValue(double d, std::size_t n);
/// D = sup |F_n(u) - u| of samples that should be uniform on [0, 1) (sorts `u`).
double ksUniformStatistic(std::vector<double>& u);
} // namespace queueing

} // namespace rwb
