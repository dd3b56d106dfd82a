// gui_screenshots OUTDIR DUMP --vmlinux FILE [--dark] [--plugin-dir DIR]: renders the main
// window on a dump into PNGs, one per pane people look at (scripts/screenshots.sh runs it under
// Xvfb). --dark uses a dark palette, to check that nothing is drawn in colors of its own;
// --plugin-dir loads plugins as panicscope-gui does, for their triage sections.
#include "disassembly_view.h"
#include "log_view.h"
#include "main_window.h"
#include "memory_view.h"
#include "plugin_registry.h"
#include "stack_view.h"
#include "triage_view.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QPalette>
#include <QSignalSpy>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>

#include <cstdio>

namespace {

using panicscope::gui::MainWindow;

bool waitUntil(const std::function<bool()>& done, int timeoutMs = 120000) {
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > timeoutMs) return false;
        QTest::qWait(10);
    }
    QTest::qWait(200); // let the last paints land
    return true;
}

QPalette darkPalette() {
    QPalette p;
    p.setColor(QPalette::Window, QColor(45, 45, 48));
    p.setColor(QPalette::WindowText, QColor(220, 220, 220));
    p.setColor(QPalette::Base, QColor(30, 30, 32));
    p.setColor(QPalette::AlternateBase, QColor(40, 40, 44));
    p.setColor(QPalette::Text, QColor(220, 220, 220));
    p.setColor(QPalette::Button, QColor(55, 55, 58));
    p.setColor(QPalette::ButtonText, QColor(220, 220, 220));
    p.setColor(QPalette::Highlight, QColor(42, 130, 218));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(100, 170, 255));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(120, 120, 120));
    return p;
}

// `small`: 256 colors, which text and flat bands need, for a picture checked in under docs/.
void save(QWidget* widget, const QString& path, bool small = false) {
    QImage image = widget->grab().toImage();
    if (small) image = image.convertToFormat(QImage::Format_Indexed8, Qt::ThresholdDither);
    if (!image.save(path)) std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
    std::printf("%s\n", qPrintable(path));
}

// The frame after the first interrupt marker, else the first boundary, else frame 0.
size_t boundaryFrame(const panicscope::gui::StackModel& model) {
    for (int row = 0; row + 1 < model.rowCount(); ++row)
        if (model.kindOf(model.index(row, 0)) == panicscope::gui::StackModel::RowKind::Boundary)
            return *model.frameOf(model.index(row + 1, 0));
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName("panicscope-screenshots"); // not the user's saved layout
    QCommandLineParser parser;
    parser.addPositionalArgument("outdir", "where the PNGs go");
    parser.addPositionalArgument("dump", "the vmcore");
    QCommandLineOption vmlinux("vmlinux", "the vmlinux", "FILE");
    QCommandLineOption dark("dark", "a dark palette");
    QCommandLineOption pluginDir("plugin-dir", "load the plugins in DIR", "DIR");
    parser.addOptions({vmlinux, dark, pluginDir});
    parser.process(app);
    if (parser.positionalArguments().size() != 2) parser.showHelp(2);
    const QDir out(parser.positionalArguments()[0]);
    const QString prefix = parser.isSet(dark) ? "dark-" : "";
    if (parser.isSet(dark)) {
        QApplication::setStyle(QStyleFactory::create("Fusion"));
        QApplication::setPalette(darkPalette());
    }

    MainWindow window;
    std::vector<std::string> pluginDirs;
    for (const QString& dir : parser.values(pluginDir))
        pluginDirs.push_back(dir.toStdString());
    window.setPluginRegistry(panicscope::gui::loadPluginRegistry(pluginDirs));
    window.resize(1280, 800);
    window.show();
    QSignalSpy shown(&window, &MainWindow::stackShown);
    QSignalSpy triaged(window.triageView(), &panicscope::gui::TriageView::loaded);
    QSignalSpy finished(&window.loader(), &panicscope::gui::DumpLoader::unwindFinished);
    panicscope::model::SessionOptions options;
    options.dumpPaths = {parser.positionalArguments()[1].toStdString()};
    if (parser.isSet(vmlinux)) options.vmlinuxPath = parser.value(vmlinux).toStdString();
    window.openDump(options);
    if (!waitUntil([&] { return shown.count() > 0 && finished.count() > 0; })) return 1;
    save(&window, out.filePath(prefix + "summary.png"));

    window.dock("triageDock")->raise();
    waitUntil([&] { return triaged.count() > 0; });
    save(&window, out.filePath(prefix + "triage.png"));
    // For docs/: the view alone, roomier than in its dock, every group open.
    {
        panicscope::gui::TriageView alone;
        QSignalSpy loaded(&alone, &panicscope::gui::TriageView::loaded);
        alone.triage(window.loader().current()->session, window.pluginRegistry());
        alone.resize(1000, 400);
        alone.show();
        waitUntil([&] { return loaded.count() > 0; });
        alone.reportTree()->expandAll();
        save(&alone, out.filePath(prefix + "triage-view.png"), true);
    }
    // A click on the second cut frame shows it in the stack view.
    QTreeWidget* frames = window.triageView()->framesTree();
    if (QTreeWidgetItem* cut = frames->topLevelItem(0); cut && cut->childCount() > 1) {
        const QRect at = frames->visualItemRect(cut->child(1));
        QTest::mouseClick(frames->viewport(), Qt::LeftButton, {}, at.center());
        QTest::qWait(300);
        save(&window, out.filePath(prefix + "triage-frame.png"));
    }

    QSignalSpy disassembled(window.disassemblyView(), &panicscope::gui::DisassemblyView::loaded);
    window.stackView()->selectFrame(boundaryFrame(window.stackView()->model()));
    window.dock("disassemblyDock")->raise();
    waitUntil([&] { return disassembled.count() > 0; });
    save(&window, out.filePath(prefix + "stack-disassembly.png"));
    save(window.stackView(), out.filePath(prefix + "stack-view.png"));

    // For docs/: the stack alone, around the walk's way back from the IRQ stack.
    panicscope::gui::StackView alone;
    alone.setTrace(*window.stackView()->model().task(), window.stackView()->model().trace());
    alone.resize(980, 600);
    alone.show();
    const auto& model = alone.model();
    size_t last = 0;
    for (int row = 0; row + 1 < model.rowCount(); ++row)
        if (model.kindOf(model.index(row, 0)) == panicscope::gui::StackModel::RowKind::Boundary &&
            !model.trace().frames[*model.frameOf(model.index(row + 1, 0))].userMode)
            last = *model.frameOf(model.index(row + 1, 0));
    alone.selectFrame(last);
    alone.view()->scrollTo(model.indexOfFrame(last), QAbstractItemView::PositionAtCenter);
    QTest::qWait(300);
    save(&alone, out.filePath(prefix + "stack-boundary.png"), true);
    alone.hide();

    window.dock("memoryDock")->raise();
    QTest::qWait(300);
    save(&window, out.filePath(prefix + "memory.png"));

    window.dock("logDock")->raise();
    window.logView()->setSearch("sysrq");
    QTest::qWait(300);
    save(&window, out.filePath(prefix + "log.png"));
    window.logView()->setSearch("");

    for (auto [tab, name] : {std::pair{1, "tree"}, {2, "cpus"}}) {
        window.taskTabs()->setCurrentIndex(tab);
        QTest::qWait(300);
        save(&window, out.filePath(prefix + name + ".png"));
    }
    return 0;
}
