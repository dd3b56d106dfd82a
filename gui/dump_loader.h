// Opens a dump and unwinds every task on worker threads, handing results to the GUI thread in
// order: first the facts (opened), then the stacks in batches (tracesReady) as they come. One
// load at a time: opening another dump or cancelling makes the running one's results vanish.
#pragma once

#include "model/session.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace panicscope::gui {

// What the window shows before any stack is unwound; made on the loader's thread.
struct LoadedDump {
    std::shared_ptr<const model::Session> session;
    model::SessionOptions options; // what opened it (without the progress callback)
    std::optional<model::DumpInfo> info;
    QString infoError; // the Error's message when info() failed
    std::vector<model::TaskRow> tasks;
    std::vector<Diagnostic> taskWarnings;
    QString tasksError;
    model::KernelLog log;
    QString logError;
    std::optional<size_t> crashingTask; // index into tasks
};

// One task's stack; `task` indexes LoadedDump::tasks. Shared, not copied: thousands arrive
// while the window has to stay responsive, and copying their frames cost more than drawing.
struct TaskTrace {
    size_t task = 0;
    std::shared_ptr<const unwind::StackTrace> trace;
};

class DumpLoader : public QObject {
    Q_OBJECT
  public:
    explicit DumpLoader(QObject* parent = nullptr);
    // Cancels what runs and waits for its threads (at most the rest of a Session::open).
    ~DumpLoader() override;

    // Opens a dump, then unwinds all its tasks. Cancels a load that is still running.
    void open(model::SessionOptions options);
    // Unwinds these tasks of the current dump (those a cancelled unwind left out).
    void unwind(std::vector<size_t> tasks);
    void cancel();
    bool busy() const { return current_ != nullptr; }
    std::shared_ptr<const LoadedDump> current() const { return dump_; }

  signals:
    void status(const QString& text);
    // Session::open failed: the Error's message (what the CLI prints after "panicscope: ").
    void failed(const QString& message, panicscope::Errc code);
    void opened(std::shared_ptr<const panicscope::gui::LoadedDump> dump);
    void unwindStarted(size_t total);
    void tracesReady(const std::vector<panicscope::gui::TaskTrace>& batch, size_t done,
                     size_t total);
    // The unwind ended (once for each unwindStarted): all tasks done, or cancelled (the traces
    // so far stay delivered), or it could not start (`error`: no unwind tables).
    void unwindFinished(bool cancelled, const QString& error);
    // The load ended (opened or not, unwound or not): the loader is idle.
    void idle();

  private:
    struct Job;
    std::shared_ptr<Job> start();
    void post(const std::shared_ptr<Job>& job, std::function<void()> onGuiThread);
    static void lowerPriority();
    void runOpen(const std::shared_ptr<Job>& job, model::SessionOptions options);
    void runUnwind(const std::shared_ptr<Job>& job, std::shared_ptr<const LoadedDump> dump,
                   std::vector<size_t> tasks);
    void flush(const std::shared_ptr<Job>& job);
    void finish(const std::shared_ptr<Job>& job);
    void reap();

    std::vector<std::shared_ptr<Job>> jobs_; // every job whose thread is not joined yet
    std::shared_ptr<Job> current_;           // the one whose results count
    std::shared_ptr<const LoadedDump> dump_;
    // Batches traces: a repaint per trace would keep the event loop busy for nothing.
    QTimer flushTimer_;
};

} // namespace panicscope::gui

Q_DECLARE_METATYPE(std::shared_ptr<const panicscope::gui::LoadedDump>)
Q_DECLARE_METATYPE(panicscope::Errc)
