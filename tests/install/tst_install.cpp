// What `cmake --install` ships, checked on a real install into a temporary prefix: both programs run
// from there, every file a desktop needs is in place and passes its validator (desktop-file-validate,
// appstreamcli, update-mime-database, man), the file types resolve, and the man page and the bash
// completion name every command and option that `rwb --help` prints, so they cannot drift apart.
// A check whose tool is missing skips and says which package brings it (scripts/install-deps.sh
// installs them all).
#include "../app/processrun.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QImage>
#include <QMimeDatabase>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

#include <algorithm>
#include <cstdlib>
#include <utility>

using namespace rwbtest;

namespace {

QString readText(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

/// A gzip file's contents (the man pages are installed compressed).
QString readGzip(const QString& path)
{
    return run(QStringLiteral("gzip"), { QStringLiteral("-dc"), path }).out;
}

/// The `--option` words of a text (a --help output, a man page section, a completion list).
QSet<QString> longOptions(const QString& text)
{
    QSet<QString> options;
    static const QRegularExpression option(QStringLiteral("(?<![\\w-])--[a-z][a-z0-9-]*"));
    for (auto it = option.globalMatch(text); it.hasNext();)
        options.insert(it.next().captured());
    return options;
}

} // namespace

class TestInstall : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_prefix;
    QString m_share;
    QStringList m_commands; // as `rwb --help` lists them

    QString installed(const QString& relative) const { return m_prefix.filePath(relative); }
    Run rwb(const QStringList& args) const { return run(installed(QStringLiteral("bin/rwb")), args); }

    /// The man page's sections about `rwb <command>` (".SS "rwb logs query ..."" and so on), unescaped.
    QString manSection(const QString& command) const
    {
        const QString page = readGzip(m_share + QStringLiteral("/man/man1/rwb.1.gz"));
        QString section;
        bool inside = false;
        for (const QString& line : page.split(QLatin1Char('\n'))) {
            if (line.startsWith(QLatin1String(".SS ")) || line.startsWith(QLatin1String(".SH ")))
                inside = line.startsWith(QStringLiteral(".SS \"rwb %1").arg(command));
            if (inside)
                section += line + QLatin1Char('\n');
        }
        return section.replace(QStringLiteral("\\-"), QStringLiteral("-"));
    }

    /// The completion's option list for `command` (its `[command]="..."` entry).
    QString completionOptions(const QString& command) const
    {
        const QString script = readText(m_share + QStringLiteral("/bash-completion/completions/rwb"));
        const QRegularExpression entry(QStringLiteral("\\[%1\\]=\"([^\"]*)\"").arg(command));
        return entry.match(script).captured(1);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_prefix.isValid());
        m_share = m_prefix.filePath(QStringLiteral("share"));
        const Run install = run(QStringLiteral(RWB_CMAKE),
            { QStringLiteral("--install"), QStringLiteral(RWB_BUILD_DIR), QStringLiteral("--prefix"),
                m_prefix.path() });
        QVERIFY2(install.exitCode == 0, qPrintable(describe(install)));

        const Run help = rwb({ QStringLiteral("--help") });
        QCOMPARE(help.exitCode, 0);
        static const QRegularExpression commandLine(QStringLiteral("^  ([a-z][a-z-]*) +\\S"));
        for (const QString& line : help.out.split(QLatin1Char('\n'))) {
            const auto m = commandLine.match(line);
            if (m.hasMatch())
                m_commands << m.captured(1);
        }
        QVERIFY2(m_commands.contains(QStringLiteral("demo")), qPrintable(help.out));
    }

    void installsTheFiles_data()
    {
        QTest::addColumn<QString>("path");
        const QStringList files = {
            QStringLiteral("bin/rwb"),
            QStringLiteral("bin/resilience-workbench"),
            QStringLiteral("share/applications/resilience-workbench.desktop"),
            QStringLiteral("share/icons/hicolor/scalable/apps/resilience-workbench.svg"),
            QStringLiteral("share/metainfo/org.resilienceworkbench.ResilienceWorkbench.metainfo.xml"),
            QStringLiteral("share/mime/packages/resilience-workbench.xml"),
            QStringLiteral("share/man/man1/rwb.1.gz"),
            QStringLiteral("share/man/man1/resilience-workbench.1.gz"),
            QStringLiteral("share/bash-completion/completions/rwb"),
            QStringLiteral("share/doc/resilience-workbench/README.md"),
            QStringLiteral("share/doc/resilience-workbench/user-guide.md"),
            QStringLiteral("share/doc/resilience-workbench/images/main-window.png"),
            QStringLiteral("share/doc/resilience-workbench/copyright"),
            QStringLiteral("share/doc/resilience-workbench/changelog.gz"),
            QStringLiteral("share/resilience-workbench/logs/workbench-sample.jsonl"),
        };
        for (const QString& f : files)
            QTest::newRow(qPrintable(f)) << f;
        for (int size : { 16, 22, 24, 32, 48, 64, 128, 256 }) {
            const QString f = QStringLiteral("share/icons/hicolor/%1x%1/apps/resilience-workbench.png").arg(size);
            QTest::newRow(qPrintable(f)) << f;
        }
        // every demo scenario of the source tree
        for (const QString& name :
            QDir(QStringLiteral(RWB_SOURCE_DIR "/resources/scenarios")).entryList({ QStringLiteral("*.json") })) {
            const QString f = QStringLiteral("share/resilience-workbench/scenarios/") + name;
            QTest::newRow(qPrintable(f)) << f;
        }
    }

    void installsTheFiles()
    {
        QFETCH(QString, path);
        const QFileInfo info(installed(path));
        QVERIFY2(info.isFile(), qPrintable(path + QStringLiteral(" is missing")));
        QVERIFY(info.size() > 0);
        if (path.startsWith(QLatin1String("bin/")))
            QVERIFY(info.isExecutable());
    }

    void installedProgramsRun()
    {
        const Run version = rwb({ QStringLiteral("--version") });
        QCOMPARE(version.exitCode, 0);
        QCOMPARE(version.out, QStringLiteral("rwb " RWB_VERSION "\n"));

        const Run demo = rwb({ QStringLiteral("demo"), QStringLiteral("retry-storm"), QStringLiteral("--json") });
        QVERIFY2(demo.exitCode == 0, qPrintable(describe(demo)));
        QVERIFY2(demo.out.contains(QLatin1String("\"requests\"")), qPrintable(demo.out.left(400)));

        // --version needs no display: neither a platform nor an X server
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        const Run gui
            = run(installed(QStringLiteral("bin/resilience-workbench")), { QStringLiteral("--version") }, env);
        QVERIFY2(gui.exitCode == 0, qPrintable(describe(gui)));
        QCOMPARE(gui.out, QStringLiteral("resilience-workbench " RWB_VERSION "\n"));
    }

    void installedScenariosAreValid()
    {
        const QDir dir(m_share + QStringLiteral("/resilience-workbench/scenarios"));
        const QStringList names = dir.entryList({ QStringLiteral("*.json") });
        QVERIFY(!names.isEmpty());
        for (const QString& name : names) {
            const Run validate = rwb({ QStringLiteral("validate"), dir.filePath(name) });
            QVERIFY2(validate.exitCode == 0, qPrintable(name + QLatin1Char('\n') + describe(validate)));
        }
    }

    void desktopFileIsValidAndPointsAtInstalledFiles()
    {
        const QString desktop = m_share + QStringLiteral("/applications/resilience-workbench.desktop");
        const QString text = readText(desktop);
        const auto field = [&](const QString& key) {
            const QRegularExpression re(QStringLiteral("^%1=(.*)$").arg(key), QRegularExpression::MultilineOption);
            return re.match(text).captured(1);
        };
        QVERIFY(QFile::exists(
            installed(QStringLiteral("bin/")) + field(QStringLiteral("Exec")).section(QLatin1Char(' '), 0, 0)));
        QVERIFY(QFile::exists(m_share + QStringLiteral("/icons/hicolor/48x48/apps/") + field(QStringLiteral("Icon"))
            + QStringLiteral(".png")));
        // it claims the scenario and log types the MIME package defines
        const QStringList types = field(QStringLiteral("MimeType")).split(QLatin1Char(';'), Qt::SkipEmptyParts);
        QVERIFY(types.contains(QStringLiteral("application/x-rwb-scenario")));
        QVERIFY(types.contains(QStringLiteral("application/x-ndjson")));
        QVERIFY(types.contains(QStringLiteral("application/json")));

        const QString validator = QStandardPaths::findExecutable(QStringLiteral("desktop-file-validate"));
        if (validator.isEmpty())
            QSKIP("desktop-file-validate is not installed (Debian: desktop-file-utils)");
        const Run check = run(validator, { desktop });
        QVERIFY2(check.exitCode == 0 && check.out.isEmpty() && check.err.isEmpty(), qPrintable(describe(check)));
    }

    void metainfoIsValid()
    {
        const QString metainfo
            = m_share + QStringLiteral("/metainfo/org.resilienceworkbench.ResilienceWorkbench.metainfo.xml");
        // its release is this version, and it launches the installed desktop file
        QXmlStreamReader xml(readText(metainfo));
        QString release, launchable;
        while (!xml.atEnd()) {
            if (xml.readNext() != QXmlStreamReader::StartElement)
                continue;
            if (xml.name() == QLatin1String("release") && release.isEmpty())
                release = xml.attributes().value(QLatin1String("version")).toString();
            else if (xml.name() == QLatin1String("launchable"))
                launchable = xml.readElementText();
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QCOMPARE(release, QStringLiteral(RWB_VERSION));
        QVERIFY(QFile::exists(m_share + QStringLiteral("/applications/") + launchable));

        const QString appstreamcli = QStandardPaths::findExecutable(QStringLiteral("appstreamcli"));
        if (appstreamcli.isEmpty())
            QSKIP("appstreamcli is not installed (Debian: appstream)");
        const Run check = run(appstreamcli, { QStringLiteral("validate"), QStringLiteral("--no-net"), metainfo });
        QVERIFY2(check.exitCode == 0, qPrintable(describe(check)));
    }

    void mimeTypesResolve()
    {
        // Qt reads the installed package XML through XDG_DATA_DIRS, before the system's types.
        qputenv("XDG_DATA_DIRS", QFile::encodeName(m_share) + ":/usr/local/share:/usr/share");
        const QMimeDatabase db;
        const QMimeType scenario = db.mimeTypeForFile(QStringLiteral("retry.rwb.json"), QMimeDatabase::MatchExtension);
        QCOMPARE(scenario.name(), QStringLiteral("application/x-rwb-scenario"));
        QVERIFY(scenario.inherits(QStringLiteral("application/json")));
        QCOMPARE(db.mimeTypeForFile(QStringLiteral("events.jsonl"), QMimeDatabase::MatchExtension).name(),
            QStringLiteral("application/x-ndjson"));
        QCOMPARE(db.mimeTypeForFile(QStringLiteral("plain.json"), QMimeDatabase::MatchExtension).name(),
            QStringLiteral("application/json"));

        const QString update = QStandardPaths::findExecutable(QStringLiteral("update-mime-database"));
        if (update.isEmpty())
            QSKIP("update-mime-database is not installed (Debian: shared-mime-info)");
        QTemporaryDir mime;
        QVERIFY(QDir().mkpath(mime.filePath(QStringLiteral("packages"))));
        QVERIFY(QFile::copy(m_share + QStringLiteral("/mime/packages/resilience-workbench.xml"),
            mime.filePath(QStringLiteral("packages/resilience-workbench.xml"))));
        const Run check = run(update, { QStringLiteral("-V"), mime.path() });
        QVERIFY2(check.exitCode == 0 && !check.err.contains(QLatin1String("rror")), qPrintable(describe(check)));
        QVERIFY(QFile::exists(mime.filePath(QStringLiteral("application/x-rwb-scenario.xml"))));
    }

    void manPagesRenderWithoutWarnings()
    {
        const QString man = QStandardPaths::findExecutable(QStringLiteral("man"));
        if (man.isEmpty())
            QSKIP("man is not installed (Debian: man-db)");
        for (const QString& page : { QStringLiteral("rwb.1.gz"), QStringLiteral("resilience-workbench.1.gz") }) {
            // as lintian checks them
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
            env.insert(QStringLiteral("MANWIDTH"), QStringLiteral("80"));
            const Run check = run(man,
                { QStringLiteral("--warnings"), QStringLiteral("-E"), QStringLiteral("UTF-8"), QStringLiteral("-l"),
                    QStringLiteral("-Tutf8"), QStringLiteral("-Z"), m_share + QStringLiteral("/man/man1/") + page },
                env);
            QVERIFY2(
                check.exitCode == 0 && check.err.isEmpty(), qPrintable(page + QLatin1Char('\n') + describe(check)));
        }
        static const QRegularExpression th(QStringLiteral("^\\.TH .*$"), QRegularExpression::MultilineOption);
        const QString header = th.match(readGzip(m_share + QStringLiteral("/man/man1/rwb.1.gz"))).captured();
        QVERIFY2(header.startsWith(QLatin1String(".TH RWB 1 ")) && header.contains(QLatin1String("rwb " RWB_VERSION)),
            qPrintable(header));
    }

    void manPageAndCompletionKnowEveryCommand()
    {
        // the man page has a section per command, the completion the same command list
        for (const QString& command : std::as_const(m_commands))
            QVERIFY2(!manSection(command).isEmpty(), qPrintable(QStringLiteral("rwb.1 has no section for ") + command));
        const QString script = readText(m_share + QStringLiteral("/bash-completion/completions/rwb"));
        const QRegularExpression list(QStringLiteral("local commands=\"([^\"]*)\""));
        QStringList completed = list.match(script).captured(1).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        QStringList commands = m_commands;
        completed.sort();
        commands.sort();
        QCOMPARE(completed, commands);
    }

    void manPageAndCompletionKnowEveryOption_data()
    {
        QTest::addColumn<QString>("command");
        for (const QString& command : std::as_const(m_commands))
            QTest::newRow(qPrintable(command)) << command;
    }

    void manPageAndCompletionKnowEveryOption()
    {
        QFETCH(QString, command);
        const Run help = rwb({ command, QStringLiteral("--help") });
        QCOMPARE(help.exitCode, 0);
        const QSet<QString> options = longOptions(help.out);
        const QString section = manSection(command);
        const QSet<QString> completed = longOptions(completionOptions(command));
        QVERIFY(completed.contains(QStringLiteral("--help")));
        for (const QString& option : options) {
            QVERIFY2(longOptions(section).contains(option),
                qPrintable(QStringLiteral("rwb.1: rwb %1 %2").arg(command, option)));
            QVERIFY2(
                completed.contains(option), qPrintable(QStringLiteral("completion: rwb %1 %2").arg(command, option)));
        }
        // nothing completed that the command does not know
        for (const QString& option : completed)
            QVERIFY2(option == QLatin1String("--help") || options.contains(option),
                qPrintable(QStringLiteral("completion offers rwb %1 %2, which its --help does not list")
                               .arg(command, option)));
    }

    void bashCompletesCommandsOptionsAndDemos_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("expected");
        QTest::newRow("command") << QStringLiteral("rwb lo") << QStringLiteral("logs");
        QTest::newRow("global option") << QStringLiteral("rwb --v") << QStringLiteral("--version");
        QTest::newRow("logs sub-command") << QStringLiteral("rwb logs s") << QStringLiteral("stats");
        QTest::newRow("option") << QStringLiteral("rwb serve --max") << QStringLiteral("--max-connections");
        QTest::newRow("option value") << QStringLiteral("rwb logs query x.jsonl --format t") << QStringLiteral("table");
        QTest::newRow("demo name") << QStringLiteral("rwb demo thun") << QStringLiteral("thundering-herd");
    }

    void bashCompletesCommandsOptionsAndDemos()
    {
        QFETCH(QString, line);
        QFETCH(QString, expected);
        const QString framework = QStringLiteral("/usr/share/bash-completion/bash_completion");
        const QString bash = QStandardPaths::findExecutable(QStringLiteral("bash"));
        if (bash.isEmpty() || !QFile::exists(framework))
            QSKIP("bash-completion is not installed (Debian: bash-completion)");
        // what bash does on Tab: the words so far, then the completion function
        const QString script = QStringLiteral(
            "source %1; source %2; PATH=%3:$PATH; "
            "COMP_LINE=\"$LINE\"; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<<\"$LINE\"; "
            "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _rwb rwb \"${COMP_WORDS[-1]}\" \"${COMP_WORDS[-2]}\"; "
            "printf '%s\\n' \"${COMPREPLY[@]}\"")
                                   .arg(framework, m_share + QStringLiteral("/bash-completion/completions/rwb"),
                                       installed(QStringLiteral("bin")));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LINE"), line);
        const Run completion = run(bash, { QStringLiteral("-c"), script }, env);
        QVERIFY2(completion.exitCode == 0, qPrintable(describe(completion)));
        QCOMPARE(completion.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts), QStringList { expected });
    }

    void iconPngsAreRenderedFromTheSvg()
    {
        const QString rsvg = QStandardPaths::findExecutable(QStringLiteral("rsvg-convert"));
        if (rsvg.isEmpty())
            QSKIP("rsvg-convert is not installed (Debian: librsvg2-bin)");
        // scripts/make-icons.sh must have been run after the SVG last changed
        QTemporaryDir dir;
        for (int size : { 16, 48, 256 }) {
            const QString fresh = dir.filePath(QStringLiteral("%1.png").arg(size));
            const Run render = run(rsvg,
                { QStringLiteral("--width"), QString::number(size), QStringLiteral("--height"), QString::number(size),
                    m_share + QStringLiteral("/icons/hicolor/scalable/apps/resilience-workbench.svg"),
                    QStringLiteral("--output"), fresh });
            QVERIFY2(render.exitCode == 0, qPrintable(describe(render)));
            const QImage expected = QImage(fresh).convertToFormat(QImage::Format_ARGB32);
            const QImage shipped
                = QImage(m_share + QStringLiteral("/icons/hicolor/%1x%1/apps/resilience-workbench.png").arg(size))
                      .convertToFormat(QImage::Format_ARGB32);
            QCOMPARE(shipped.size(), expected.size());
            int worst = 0;
            for (int y = 0; y < size; ++y)
                for (int x = 0; x < size; ++x) {
                    const QRgb a = shipped.pixel(x, y), b = expected.pixel(x, y);
                    worst = std::max({ worst, std::abs(qRed(a) - qRed(b)), std::abs(qGreen(a) - qGreen(b)),
                        std::abs(qBlue(a) - qBlue(b)), std::abs(qAlpha(a) - qAlpha(b)) });
                }
            QVERIFY2(worst <= 8,
                qPrintable(
                    QStringLiteral("%1 px differs by up to %2: run scripts/make-icons.sh").arg(size).arg(worst)));
        }
    }
};

QTEST_MAIN(TestInstall)
#include "tst_install.moc"
