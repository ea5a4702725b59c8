// resilience-workbench: parses the command line and opens the main window.
#include "core/config/demos.h"
#include "ui/mainwindow.h"
#include "ui/theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QTimer>

#include <cstdio>

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("ResilienceWorkbench"));
    QApplication::setApplicationName(QStringLiteral("resilience-workbench"));
    QApplication::setApplicationDisplayName(QStringLiteral("Resilience Workbench"));
    QApplication::setApplicationVersion(QStringLiteral(RWB_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("resilience-workbench"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Tune resilience policies against misbehaving services."));
    parser.addHelpOption();
    const QCommandLineOption version(QStringLiteral("version"), QStringLiteral("Print the version and exit."));
    const QCommandLineOption demo(QStringLiteral("demo"),
        QStringLiteral("Open a built-in demo (see the Demos menu); 'default' for the "
                       "outage-recovery demo."),
        QStringLiteral("name"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
        QStringLiteral("Render the window and its panels into PNGs in <dir> after the "
                       "first simulation, then exit."),
        QStringLiteral("dir"));
    const QCommandLineOption size(QStringLiteral("window-size"),
        QStringLiteral("Window size as WIDTHxHEIGHT (screenshots default to 1600x1000)."), QStringLiteral("size"));
    const QCommandLineOption presenter(
        QStringLiteral("presenter"), QStringLiteral("Start in presenter mode (bigger fonts and chart lines)."));
    parser.addOption(version);
    parser.addOption(presenter);
    parser.addOption(demo);
    parser.addOption(screenshot);
    parser.addOption(size);
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("A scenario (.json) or log (.jsonl) to open."),
        QStringLiteral("[file]"));
    // `--demo` may be given without a name: rewrite it to the default before parsing.
    QStringList arguments = app.arguments();
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        if (arguments.at(i) == QStringLiteral("--demo")
            && (i + 1 == arguments.size() || arguments.at(i + 1).startsWith(QLatin1Char('-'))))
            arguments.insert(i + 1, QStringLiteral("default"));
    }
    parser.process(arguments);
    if (parser.isSet(version)) {
        std::printf("resilience-workbench %s\n", RWB_VERSION);
        return 0;
    }

    rwb::applyTheme(app);
    rwb::MainWindow window;
    QSize windowSize(1600, 1000);
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split(QLatin1Char('x'));
        if (wh.size() == 2 && wh[0].toInt() > 0 && wh[1].toInt() > 0)
            windowSize = QSize(wh[0].toInt(), wh[1].toInt());
        window.resize(windowSize);
    }
    if (parser.isSet(screenshot)) {
        window.resize(windowSize);
        // A fixed layout makes screenshots reproducible: ignore the user's saved docks.
        window.restoreState(QByteArray());
    }
    if (parser.isSet(presenter))
        window.setPresenterMode(true);
    window.show();

    bool opened = false;
    if (parser.isSet(demo)) {
        const QString name = parser.value(demo);
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
    if (!opened && !parser.isSet(demo) && parser.positionalArguments().isEmpty())
        window.restoreLastSession();

    if (parser.isSet(screenshot)) {
        const QString dir = QDir(parser.value(screenshot)).absolutePath();
        window.screenshotWhenReady(dir, [dir](bool ok) {
            std::fprintf(
                ok ? stdout : stderr, "%s screenshots in %s\n", ok ? "wrote" : "failed to write", qPrintable(dir));
            QCoreApplication::exit(ok ? 0 : 1);
        });
        // Give up if no simulation completes (e.g. a broken scenario).
        QTimer::singleShot(30000, &app, [] {
            std::fprintf(stderr, "resilience-workbench: no simulation finished within 30 s\n");
            QCoreApplication::exit(1);
        });
    }
    return app.exec();
}
