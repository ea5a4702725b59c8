// resilience-workbench: parses the command line and opens the main window.
#include "core/config/demos.h"
#include "ui/common/icons.h"
#include "ui/shell/filecontroller.h"
#include "ui/shell/mainwindow.h"
#include "ui/common/theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QTimer>

#include <cstdio>

namespace {

/// The command line, shared by the text-only start (--help, --version) and the GUI start.
struct Options {
    QCommandLineOption version { QStringLiteral("version"), QStringLiteral("Print the version and exit.") };
    QCommandLineOption demo { QStringLiteral("demo"),
        QStringLiteral("Open a built-in demo (see the Demos menu); 'default' for the outage-recovery demo."),
        QStringLiteral("name") };
    QCommandLineOption screenshot { QStringLiteral("screenshot"),
        QStringLiteral("Render the window and its panels into PNGs in <dir> after the first simulation, then exit."),
        QStringLiteral("dir") };
    QCommandLineOption size { QStringLiteral("window-size"),
        QStringLiteral("Window size as WIDTHxHEIGHT (screenshots default to 1600x1000)."), QStringLiteral("size") };
    QCommandLineOption presenter { QStringLiteral("presenter"),
        QStringLiteral("Start in presenter mode (bigger fonts and chart lines).") };
    QCommandLineOption tour { QStringLiteral("tour"),
        QStringLiteral("Show the tour of the window now (otherwise it shows once, on the first start "
                       "without --demo or --screenshot).") };

    void addTo(QCommandLineParser& parser) const
    {
        parser.setApplicationDescription(QStringLiteral("Tune resilience policies against misbehaving services."));
        parser.addHelpOption();
        for (const QCommandLineOption* option : { &version, &presenter, &demo, &screenshot, &size, &tour })
            parser.addOption(*option);
        parser.addPositionalArgument(QStringLiteral("file"),
            QStringLiteral("A scenario (.json) or log (.jsonl) to open."), QStringLiteral("[file]"));
    }
};

/// `--demo` may be given without a name: rewritten to the default before parsing.
QStringList withDemoDefault(QStringList arguments)
{
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        if (arguments.at(i) == QStringLiteral("--demo")
            && (i + 1 == arguments.size() || arguments.at(i + 1).startsWith(QLatin1Char('-'))))
            arguments.insert(i + 1, QStringLiteral("default"));
    }
    return arguments;
}

/// --help and --version are answered without a display (over ssh, in scripts, by packaging checks).
bool onlyAsksForText(int argc, char* argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray a(argv[i]);
        if (a == "--version" || a == "--help" || a == "-h" || a == "-?" || a == "--help-all")
            return true;
    }
    return false;
}

void setApplicationNames()
{
    QCoreApplication::setOrganizationName(QStringLiteral("ResilienceWorkbench"));
    QCoreApplication::setApplicationName(QStringLiteral("resilience-workbench"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RWB_VERSION));
}

} // namespace

int main(int argc, char* argv[])
{
    const Options options;
    if (onlyAsksForText(argc, argv)) {
        QCoreApplication app(argc, argv);
        setApplicationNames();
        QCommandLineParser parser;
        options.addTo(parser);
        parser.process(withDemoDefault(app.arguments())); // --help prints and exits here
        std::printf("resilience-workbench %s\n", RWB_VERSION);
        return 0;
    }

    QApplication app(argc, argv);
    setApplicationNames();
    QApplication::setApplicationDisplayName(QStringLiteral("Resilience Workbench"));
    QApplication::setDesktopFileName(QStringLiteral("resilience-workbench"));
    QApplication::setWindowIcon(rwb::icons::icon(rwb::icons::Icon::App));

    QCommandLineParser parser;
    options.addTo(parser);
    parser.process(withDemoDefault(app.arguments()));

    rwb::applyTheme(app);
    rwb::MainWindow window;
    QSize windowSize(1600, 1000);
    if (parser.isSet(options.size)) {
        const QStringList wh = parser.value(options.size).split(QLatin1Char('x'));
        if (wh.size() == 2 && wh[0].toInt() > 0 && wh[1].toInt() > 0)
            windowSize = QSize(wh[0].toInt(), wh[1].toInt());
        window.resize(windowSize);
    }
    if (parser.isSet(options.screenshot)) {
        window.resize(windowSize);
        // A fixed layout makes screenshots reproducible: ignore the user's saved docks.
        window.restoreState(QByteArray());
    }
    if (parser.isSet(options.presenter))
        window.setPresenterMode(true);
    window.show();

    bool opened = false;
    if (parser.isSet(options.demo)) {
        const QString name = parser.value(options.demo);
        opened = window.openDemo(name == QStringLiteral("default") ? QString() : name);
        if (!opened) {
            QStringList names;
            for (const rwb::DemoInfo& d : rwb::demos::list())
                names << d.name;
            std::fprintf(stderr, "resilience-workbench: no built-in demo named '%s' (available: %s)\n",
                qPrintable(name), qPrintable(names.join(QStringLiteral(", "))));
            return 2;
        }
    } else if (!parser.positionalArguments().isEmpty()) {
        opened = window.openFile(parser.positionalArguments().constFirst());
    }
    if (!opened && !parser.isSet(options.demo) && parser.positionalArguments().isEmpty())
        window.files()->restoreLastSession();

    // The tour shows once, to a person: never under automation (--demo, --screenshot) unless asked.
    if (parser.isSet(options.tour))
        window.startTour();
    else if (!parser.isSet(options.demo) && !parser.isSet(options.screenshot))
        window.startTourOnFirstRun();

    if (parser.isSet(options.screenshot)) {
        const QString dir = QDir(parser.value(options.screenshot)).absolutePath();
        window.screenshotWhenReady(dir, [dir](bool ok) {
            std::fprintf(
                ok ? stdout : stderr, "%s screenshots in %s\n", ok ? "wrote" : "failed to write", qPrintable(dir));
            QCoreApplication::exit(ok ? 0 : 1);
        });
        // Give up if nothing is drawn (e.g. a broken scenario, or a log that could not be opened).
        QTimer::singleShot(30000, &app, [] {
            std::fprintf(stderr, "resilience-workbench: no simulation or replayed log was drawn within 30 s\n");
            QCoreApplication::exit(1);
        });
    }
    return app.exec();
}
