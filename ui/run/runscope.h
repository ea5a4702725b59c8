#pragma once

#include <QString>
#include <QStringList>

namespace rwb {

/// What the window describes of a run with several pipelines, as chosen with *Show*: each pipeline
/// side by side (the default: demos contrast two pipelines, and a sum would mix their figures), one
/// pipeline, or all pipelines added together. A plain value type.
struct RunScope {
    enum class Kind { Each, One, All };
    Kind kind = Kind::Each;
    QString pipeline; ///< Kind::One: the pipeline shown

    static RunScope each() { return {}; }
    static RunScope one(const QString& pipeline) { return { Kind::One, pipeline }; }
    static RunScope all() { return { Kind::All, {} }; }

    /// Whether the figures of `name` are part of what is shown.
    bool includes(const QString& name) const { return kind != Kind::One || name == pipeline; }
    /// The pipelines of `all` that are shown, in order.
    QStringList filter(const QStringList& all) const
    {
        QStringList out;
        for (const QString& p : all)
            if (includes(p))
                out.append(p);
        return out;
    }
    friend bool operator==(const RunScope&, const RunScope&) = default;
};

} // namespace rwb
