#include "dump_loader.h"

#include <QMetaObject>

#include <atomic>
#include <mutex>
#include <sys/resource.h>
#include <thread>

namespace panicscope::gui {

namespace {

// Long enough to batch a few dozen traces, short enough to look live.
constexpr int kFlushIntervalMs = 50;
constexpr int kWorkerNice = 5;

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

// Everything but the stacks: what the summary, the task list and the log show.
void readFacts(LoadedDump& d) {
    const model::Session& s = *d.session;
    if (auto info = s.info())
        d.info = std::move(*info);
    else
        d.infoError = qs(info.error().message);
    if (auto table = s.tasks()) {
        d.tasks = std::move(table->tasks);
        d.taskWarnings = std::move(table->warnings);
    } else {
        d.tasksError = qs(table.error().message);
    }
    if (auto log = s.log())
        d.log = std::move(*log);
    else
        d.logError = qs(log.error().message);
    for (size_t i = 0; i < d.tasks.size(); ++i)
        if (d.tasks[i].crashing) d.crashingTask = i;
}

// The crashing task first and the other CPUs' next: the stacks people look at first are ready
// first (Session::backtraces takes tasks in order).
std::vector<size_t> unwindOrder(const LoadedDump& d) {
    std::vector<size_t> order;
    order.reserve(d.tasks.size());
    if (d.crashingTask) order.push_back(*d.crashingTask);
    for (size_t i = 0; i < d.tasks.size(); ++i)
        if (d.tasks[i].onCpu && !d.tasks[i].crashing) order.push_back(i);
    for (size_t i = 0; i < d.tasks.size(); ++i)
        if (!d.tasks[i].onCpu && !d.tasks[i].crashing) order.push_back(i);
    return order;
}

} // namespace

struct DumpLoader::Job {
    model::CancelToken cancel;
    std::thread thread;
    bool ended = false; // GUI thread: the thread posted its last message
    // Traces delivered by the unwinder's threads, not yet handed to the GUI.
    std::mutex lock;
    std::vector<TaskTrace> pending;
    bool flushPosted = false;
    // GUI thread only.
    size_t done = 0, total = 0;
    bool unwinding = false;
};

DumpLoader::DumpLoader(QObject* parent) : QObject(parent) {
    qRegisterMetaType<std::shared_ptr<const LoadedDump>>();
    qRegisterMetaType<Errc>();
    flushTimer_.setSingleShot(true);
    flushTimer_.setInterval(kFlushIntervalMs);
    connect(&flushTimer_, &QTimer::timeout, this, [this] {
        if (current_) flush(current_);
    });
}

DumpLoader::~DumpLoader() {
    for (const auto& job : jobs_)
        job->cancel.cancel();
    for (const auto& job : jobs_)
        if (job->thread.joinable()) job->thread.join();
}

std::shared_ptr<DumpLoader::Job> DumpLoader::start() {
    cancel();
    reap();
    current_ = std::make_shared<Job>();
    jobs_.push_back(current_);
    return current_;
}

void DumpLoader::post(const std::shared_ptr<Job>& job, std::function<void()> onGuiThread) {
    // Results of a job that is no longer current (cancelled, replaced) are dropped here.
    QMetaObject::invokeMethod(
        this,
        [this, job, fn = std::move(onGuiThread)] {
            if (job == current_) fn();
        },
        Qt::QueuedConnection);
}

void DumpLoader::open(model::SessionOptions options) {
    auto job = start();
    emit status("Opening " + qs(options.dumpPaths.empty() ? "" : options.dumpPaths.front()));
    job->thread = std::thread([this, job, options = std::move(options)] {
        lowerPriority();
        runOpen(job, options);
        QMetaObject::invokeMethod(
            this, [this, job] { finish(job); }, Qt::QueuedConnection);
    });
}

void DumpLoader::unwind(std::vector<size_t> tasks) {
    auto dump = dump_;
    if (!dump || tasks.empty()) return;
    auto job = start();
    job->thread = std::thread([this, job, dump, tasks = std::move(tasks)] {
        lowerPriority();
        runUnwind(job, dump, tasks);
        QMetaObject::invokeMethod(
            this, [this, job] { finish(job); }, Qt::QueuedConnection);
    });
}

void DumpLoader::runOpen(const std::shared_ptr<Job>& job, model::SessionOptions options) {
    auto dump = std::make_shared<LoadedDump>();
    dump->options = options;
    dump->options.progress = nullptr;
    options.progress = [this, job](const std::string& what) {
        post(job, [this, text = qs(what)] { emit status(text[0].toUpper() + text.mid(1)); });
    };
    options.prepareUnwinding = true; // the tables load while the task list is read
    auto session = model::Session::open(options);
    if (!session) {
        post(job, [this, e = session.error()] { emit failed(qs(e.message), e.code); });
        return;
    }
    dump->session = std::shared_ptr<const model::Session>(std::move(*session));
    post(job, [this] { emit status("Reading the task list and the kernel log"); });
    readFacts(*dump);
    if (job->cancel.cancelled()) return;
    post(job, [this, dump] {
        dump_ = dump;
        emit opened(dump);
    });
    runUnwind(job, dump, unwindOrder(*dump));
}

// The loader's work takes every core (the unwind runs a thread per core, opening loads tables
// on a second one); below the GUI thread's priority it never makes the window wait for a core.
// On Linux the nice value is per thread, and the threads this one starts inherit it.
void DumpLoader::lowerPriority() {
    ::setpriority(PRIO_PROCESS, 0, kWorkerNice);
}

void DumpLoader::runUnwind(const std::shared_ptr<Job>& job, std::shared_ptr<const LoadedDump> dump,
                           std::vector<size_t> tasks) {
    post(job, [this, job, total = tasks.size()] {
        job->total = total;
        job->unwinding = true;
        emit unwindStarted(total);
    });
    std::vector<model::TaskRow> rows;
    rows.reserve(tasks.size());
    for (size_t i : tasks)
        rows.push_back(dump->tasks[i]);
    auto done = dump->session->backtraces(
        rows, model::BacktraceOptions{true},
        [&](size_t i, const model::TaskRow&, unwind::StackTrace trace) {
            bool first = false;
            {
                std::lock_guard hold(job->lock);
                job->pending.push_back(
                    {tasks[i], std::make_shared<const unwind::StackTrace>(std::move(trace))});
                first = !std::exchange(job->flushPosted, true);
            }
            if (first)
                post(job, [this] {
                    if (!flushTimer_.isActive()) flushTimer_.start();
                });
        },
        {}, &job->cancel);
    const bool cancelled = !done && done.error().code == Errc::Cancelled;
    const QString error = done || cancelled ? QString() : qs(done.error().message);
    post(job, [this, job, cancelled, error] {
        flushTimer_.stop();
        flush(job);
        job->unwinding = false;
        emit unwindFinished(cancelled, error);
    });
}

void DumpLoader::flush(const std::shared_ptr<Job>& job) {
    std::vector<TaskTrace> batch;
    {
        std::lock_guard hold(job->lock);
        batch.swap(job->pending);
        job->flushPosted = false;
    }
    if (batch.empty()) return;
    job->done += batch.size();
    emit tracesReady(batch, job->done, job->total);
}

void DumpLoader::cancel() {
    const auto job = std::move(current_);
    if (!job) return;
    job->cancel.cancel();
    flushTimer_.stop();
    flush(job); // what was unwound until now stays delivered
    if (job->unwinding) emit unwindFinished(true, QString());
    emit idle();
}

void DumpLoader::finish(const std::shared_ptr<Job>& job) {
    job->ended = true;
    if (job == current_) {
        current_.reset();
        emit idle();
    }
    reap();
}

void DumpLoader::reap() {
    std::erase_if(jobs_, [](const std::shared_ptr<Job>& job) {
        if (!job->ended) return false;
        job->thread.join(); // it has posted its last message: it is returning
        return true;
    });
}

} // namespace panicscope::gui
