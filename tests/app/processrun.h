#pragma once
// Running a program as a user would, for the tests of the command lines: exit code, stdout, stderr.
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace rwbtest {

struct Run {
    int exitCode = -1; ///< -1: crashed, or did not finish within two minutes
    QString out;
    QString err;
};

inline Run run(const QString& program, const QStringList& args,
    const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
        return { -1, {}, QStringLiteral("%1 did not finish within 120 s").arg(program) };
    }
    return { p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
        QString::fromUtf8(p.readAllStandardError()) };
}

inline QString describe(const Run& r)
{
    return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3").arg(r.exitCode).arg(r.out, r.err);
}

/// Writes `content` to `path`; returns the path, or an empty string when it cannot be written.
inline QString writeFile(const QString& path, const QByteArray& content)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
        return {};
    return path;
}

#ifdef RWB_BINARY
/// The rwb of this build.
inline Run rwb(const QStringList& args)
{
    return run(QStringLiteral(RWB_BINARY), args);
}
#endif

} // namespace rwbtest
