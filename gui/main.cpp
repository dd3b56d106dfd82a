// panicscope-gui [DUMP [--vmlinux FILE]]: the Qt front end.
#include "main_window.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("panicscope");
    QCommandLineParser parser;
    parser.setApplicationDescription("Linux kernel crash-dump analyzer");
    parser.addHelpOption();
    parser.addPositionalArgument("dump", "the vmcore to open");
    QCommandLineOption vmlinux("vmlinux", "the vmlinux with debug info", "file");
    parser.addOption(vmlinux);
    parser.process(app);

    panicscope::gui::MainWindow window;
    window.show();
    if (!parser.positionalArguments().isEmpty()) {
        panicscope::model::SessionOptions options;
        options.dumpPaths = {parser.positionalArguments().front().toStdString()};
        if (parser.isSet(vmlinux)) options.vmlinuxPath = parser.value(vmlinux).toStdString();
        window.openDump(options);
    }
    return app.exec();
}
