#include "util/worker_processes.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <list>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace panicscope {

namespace {

using Clock = std::chrono::steady_clock;

// One running child: its pid, the read ends of its stdout and stderr (-1 once at EOF).
struct Child {
    size_t index = 0;
    pid_t pid = -1;
    int out = -1, err = -1;
    Clock::time_point start, deadline;
    ProcessOutcome outcome;
};

void closeFd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

// Reads what is there; closes the descriptor at EOF or error. Keeps the first `limit` bytes of
// stdout, the last `limit` of stderr.
void drain(int& fd, std::string& into, size_t limit, bool keepTail) {
    char buffer[65536];
    while (fd >= 0) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            into.append(buffer, static_cast<size_t>(n));
            if (into.size() > limit) {
                if (keepTail)
                    into.erase(0, into.size() - limit);
                else
                    into.resize(limit);
            }
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        closeFd(fd);
    }
}

// Starts argv with stdout and stderr on fresh pipes; spawnError set when it cannot.
Child spawn(size_t index, const std::vector<std::string>& argv, const WorkerOptions& options) {
    Child c;
    c.index = index;
    c.start = Clock::now();
    c.deadline = options.timeout.count() > 0 ? c.start + options.timeout : Clock::time_point::max();
    int outPipe[2], errPipe[2];
    if (::pipe2(outPipe, O_CLOEXEC) != 0) {
        c.outcome.spawnError = std::string("cannot make a pipe: ") + std::strerror(errno);
        return c;
    }
    if (::pipe2(errPipe, O_CLOEXEC) != 0) {
        c.outcome.spawnError = std::string("cannot make a pipe: ") + std::strerror(errno);
        ::close(outPipe[0]), ::close(outPipe[1]);
        return c;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int status = ::posix_spawn(&c.pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(outPipe[1]), ::close(errPipe[1]);
    if (status != 0) {
        ::close(outPipe[0]), ::close(errPipe[0]);
        c.pid = -1;
        c.outcome.spawnError = "cannot start " + argv[0] + ": " + std::strerror(status);
        return c;
    }
    c.out = outPipe[0], c.err = errPipe[0];
    ::fcntl(c.out, F_SETFL, O_NONBLOCK);
    ::fcntl(c.err, F_SETFL, O_NONBLOCK);
    return c;
}

void recordStatus(Child& c, int status) {
    if (WIFEXITED(status)) c.outcome.exitStatus = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) c.outcome.signal = WTERMSIG(status);
    c.outcome.seconds = std::chrono::duration<double>(Clock::now() - c.start).count();
}

// True when the child has ended (reaped): its output read to EOF and it exited, or it ran past
// its deadline and was killed.
bool finished(Child& c, Clock::time_point now) {
    if (now >= c.deadline) {
        ::kill(c.pid, SIGKILL);
        drain(c.out, c.outcome.out, kMaxWorkerStdout, false);
        drain(c.err, c.outcome.err, kMaxWorkerStderr, true);
        closeFd(c.out), closeFd(c.err);
        int status = 0;
        while (::waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
        }
        c.outcome.timedOut = true;
        recordStatus(c, status);
        return true;
    }
    if (c.out >= 0 || c.err >= 0) return false;
    int status = 0;
    const pid_t done = ::waitpid(c.pid, &status, WNOHANG);
    if (done == 0) return false;
    recordStatus(c, status);
    return true;
}

// Waits for output, an end or a deadline, at most `tick`.
void waitForActivity(std::list<Child>& running, std::chrono::milliseconds tick) {
    std::vector<pollfd> fds;
    auto wake = Clock::now() + tick;
    bool closedButRunning = false;
    for (const auto& c : running) {
        if (c.out >= 0) fds.push_back({c.out, POLLIN, 0});
        if (c.err >= 0) fds.push_back({c.err, POLLIN, 0});
        if (c.out < 0 && c.err < 0) closedButRunning = true;
        wake = std::min(wake, c.deadline);
    }
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(wake - Clock::now());
    if (closedButRunning) wait = std::min(wait, std::chrono::milliseconds(10));
    const int ms = static_cast<int>(std::clamp<int64_t>(wait.count(), 0, INT_MAX));
    (void)::poll(fds.data(), fds.size(), ms); // EINTR: the loop looks again
}

} // namespace

void runWorkerProcesses(size_t count,
                        const std::function<std::vector<std::string>(size_t)>& commandOf,
                        const WorkerOptions& options,
                        const std::function<void(size_t, ProcessOutcome&&)>& onDone,
                        const std::function<void()>& onTick) {
    const size_t parallel = std::max(1u, options.parallel);
    std::list<Child> running;
    size_t next = 0;
    auto lastTick = Clock::now();
    while (next < count || !running.empty()) {
        while (next < count && running.size() < parallel) {
            Child c = spawn(next, commandOf(next), options);
            ++next;
            if (c.pid < 0)
                onDone(c.index, std::move(c.outcome));
            else
                running.push_back(std::move(c));
        }
        if (running.empty()) continue;
        waitForActivity(running, options.tick);
        const auto now = Clock::now();
        for (auto it = running.begin(); it != running.end();) {
            drain(it->out, it->outcome.out, kMaxWorkerStdout, false);
            drain(it->err, it->outcome.err, kMaxWorkerStderr, true);
            if (!finished(*it, now)) {
                ++it;
                continue;
            }
            onDone(it->index, std::move(it->outcome));
            it = running.erase(it);
        }
        if (onTick && Clock::now() - lastTick >= options.tick) {
            onTick();
            lastTick = Clock::now();
        }
    }
}

std::string describeEnding(const ProcessOutcome& o, std::chrono::milliseconds timeout) {
    if (!o.spawnError.empty()) return o.spawnError;
    if (o.timedOut)
        return "timed out after " + std::to_string(timeout.count() / 1000) + " s (killed)";
    if (o.signal)
        return "killed by signal " + std::to_string(*o.signal) + " (" + ::strsignal(*o.signal) +
               ")";
    if (o.exitStatus) return "exit status " + std::to_string(*o.exitStatus);
    return "ended in an unknown way";
}

} // namespace panicscope
