// gui_stall DUMP [--vmlinux FILE]: how responsive the GUI stays on a big dump. Opens DUMP in the
// main window (offscreen unless QT_QPA_PLATFORM says otherwise) and reports
//   - the time to the first paint of the task list (from openDump() to the table's first paint
//     with rows in it), and when the facts arrived;
//   - the longest event-loop stall while every task is unwound, and while opening: a 5 ms timer
//     whose lateness is the time the event loop could not answer; and how much of that stall
//     the GUI thread itself was working (its CPU time), the rest being other threads and
//     processes holding the cores.
// Not a test: it prints numbers (run it on the ~3,800-task scale dump).
#include "dump_loader.h"
#include "main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTimer>
#include <QTreeView>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

namespace {

using panicscope::gui::MainWindow;

// Notes when the task list is first painted with tasks in it.
class FirstPaint : public QObject {
  public:
    FirstPaint(QTreeView* view, const QElapsedTimer& clock) : view_(view), clock_(clock) {}
    qint64 at = -1;

  protected:
    bool eventFilter(QObject*, QEvent* event) override {
        if (event->type() == QEvent::Paint && at < 0 && view_->model()->rowCount() > 0)
            at = clock_.nsecsElapsed();
        return false;
    }

  private:
    QTreeView* view_;
    const QElapsedTimer& clock_;
};

double ms(qint64 ns) {
    return double(ns) / 1e6;
}

// CPU time of the calling thread.
qint64 threadCpuNs() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return qint64(t.tv_sec) * 1000000000LL + t.tv_nsec;
}

struct Stall {
    qint64 late = 0, busy = 0; // the lateness, and the GUI thread's CPU time in it
};

} // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName("panicscope-bench");
    QCommandLineParser parser;
    parser.addPositionalArgument("dump", "the vmcore");
    QCommandLineOption vmlinux("vmlinux", "the vmlinux", "FILE");
    parser.addOption(vmlinux);
    parser.addHelpOption();
    parser.process(app);
    if (parser.positionalArguments().size() != 1) parser.showHelp(2);

    MainWindow window;
    window.show();
    QElapsedTimer clock;
    FirstPaint paint(window.taskTable(), clock);
    window.taskTable()->viewport()->installEventFilter(&paint);

    constexpr int kTickMs = 5;
    QTimer tick;
    tick.setInterval(kTickMs);
    tick.setTimerType(Qt::PreciseTimer);
    qint64 last = 0, lastCpu = threadCpuNs(), opened = -1, unwindStart = -1, unwindEnd = -1;
    qint64 tasks = 0;
    Stall openStall, unwindStall;
    std::vector<qint64> unwindGaps;
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed(), cpu = threadCpuNs();
        const Stall gap{std::max<qint64>(0, now - last - kTickMs * 1000000LL), cpu - lastCpu};
        // A stall belongs to the phase it began in: showing the opened dump (the task list,
        // the log) happens just before the unwind starts.
        const bool unwinding = unwindStart >= 0 && last >= unwindStart;
        last = now;
        lastCpu = cpu;
        if (unwindEnd >= 0) return;
        Stall& worst = unwinding ? unwindStall : openStall;
        if (gap.late > worst.late) worst = gap;
        if (unwinding) unwindGaps.push_back(gap.late);
    });
    auto& loader = window.loader();
    QObject::connect(&loader, &panicscope::gui::DumpLoader::opened, [&](auto dump) {
        opened = clock.nsecsElapsed();
        tasks = qint64(dump->tasks.size());
    });
    QObject::connect(&loader, &panicscope::gui::DumpLoader::unwindStarted,
                     [&] { unwindStart = clock.nsecsElapsed(); });
    QObject::connect(&loader, &panicscope::gui::DumpLoader::unwindFinished, [&] {
        unwindEnd = clock.nsecsElapsed();
        QTimer::singleShot(200, &app, &QApplication::quit); // a last paint or two
    });
    QObject::connect(&loader, &panicscope::gui::DumpLoader::failed, [&](const QString& message) {
        std::fprintf(stderr, "gui_stall: %s\n", qPrintable(message));
        app.exit(1);
    });

    panicscope::model::SessionOptions options;
    options.dumpPaths = {parser.positionalArguments().front().toStdString()};
    if (parser.isSet(vmlinux)) options.vmlinuxPath = parser.value(vmlinux).toStdString();
    clock.start();
    tick.start();
    window.openDump(options);
    if (app.exec() != 0) return 1;

    std::sort(unwindGaps.begin(), unwindGaps.end());
    const qint64 p99 = unwindGaps.empty() ? 0 : unwindGaps[unwindGaps.size() * 99 / 100];
    std::printf("dump: %s (%lld tasks)\n", options.dumpPaths.front().c_str(), (long long)tasks);
    std::printf("facts (summary, task list, log) ready:   %8.1f ms\n", ms(opened));
    std::printf("first paint of the task list:            %8.1f ms\n", ms(paint.at));
    std::printf("all-task unwind:                          %8.1f ms (%.1f to %.1f)\n",
                ms(unwindEnd - unwindStart), ms(unwindStart), ms(unwindEnd));
    std::printf("longest event-loop stall while opening and showing it: %.1f ms (GUI thread busy "
                "%.1f ms of it)\n",
                ms(openStall.late), ms(openStall.busy));
    std::printf(
        "longest event-loop stall while unwinding: %7.1f ms (GUI thread busy %.1f ms of it; "
        "99th percentile %.1f ms, %zu ticks of %d ms)\n",
        ms(unwindStall.late), ms(unwindStall.busy), ms(p99), unwindGaps.size(), kTickMs);
    return 0;
}
