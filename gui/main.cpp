// panicscope-gui [DUMP] [--vmlinux FILE] [--debug-dir DIR] [--module-dir DIR]
// [--plugin-dir DIR]: the Qt front end.
#include "main_window.h"
#include "plugin_registry.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QThreadPool>

#include <cstdio>

namespace {

std::vector<std::string> strings(const QStringList& list) {
    std::vector<std::string> out;
    for (const QString& s : list)
        out.push_back(s.toStdString());
    return out;
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName("panicscope");
    QApplication::setApplicationName("panicscope-gui");
    QCommandLineParser parser;
    parser.setApplicationDescription("Linux kernel crash-dump analyzer");
    parser.addHelpOption();
    parser.addPositionalArgument("dump", "the vmcore to open", "[DUMP]");
    QCommandLineOption vmlinux("vmlinux",
                               "the vmlinux with debug info (found from the dump's "
                               "release when not given)",
                               "FILE");
    QCommandLineOption debugDir("debug-dir", "look for the vmlinux in DIR first; repeatable",
                                "DIR");
    QCommandLineOption moduleDir("module-dir", "searched for MODULE.ko with debug info; repeatable",
                                 "DIR");
    QCommandLineOption pluginDir("plugin-dir",
                                 "load the plugins (*.so) in DIR, before those of "
                                 "$PANICSCOPE_PLUGIN_PATH and the install's; repeatable",
                                 "DIR");
    parser.addOptions({vmlinux, debugDir, moduleDir, pluginDir});
    parser.process(app);
    // Loaded before any dump, as the CLI does; a refused plugin is one line, and the rest goes on.
    const auto registry = panicscope::gui::loadPluginRegistry(strings(parser.values(pluginDir)));
    for (const auto& r : registry->refused())
        std::fprintf(stderr, "panicscope-gui: plugin %s refused: %s\n", r.path.c_str(),
                     r.reason.c_str());

    int status = 0;
    {
        panicscope::gui::MainWindow window;
        window.setPluginRegistry(registry);
        window.show();
        if (!parser.positionalArguments().isEmpty()) {
            panicscope::model::SessionOptions options;
            options.dumpPaths = {parser.positionalArguments().front().toStdString()};
            if (parser.isSet(vmlinux)) options.vmlinuxPath = parser.value(vmlinux).toStdString();
            options.debugDirs = strings(parser.values(debugDir));
            options.moduleDirs = strings(parser.values(moduleDir));
            window.openDump(options);
        }
        status = app.exec();
    }
    // Requests still running hold the Session; let them end before the libraries unload.
    QThreadPool::globalInstance()->waitForDone();
    return status;
}
