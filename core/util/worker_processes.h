// Runs commands in child processes, a few at a time, each with a time limit, and hands back what
// each printed and how it ended as each finishes: the engine of `triage` over many dumps, where
// a dump that crashes or hangs its worker costs that one record, never the batch.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace panicscope {

struct ProcessOutcome {
    std::string out;               // its stdout, at most kMaxWorkerStdout bytes
    std::string err;               // the end of its stderr, at most kMaxWorkerStderr bytes
    std::optional<int> exitStatus; // when it exited
    std::optional<int> signal;     // the signal that ended it (SIGKILL after a timeout too)
    bool timedOut = false;         // killed at its time limit
    std::string spawnError;        // it could not be started (then nothing else is set)
    double seconds = 0;            // from start to end
};

inline constexpr size_t kMaxWorkerStdout = 64u << 20;
inline constexpr size_t kMaxWorkerStderr = 64u << 10;

struct WorkerOptions {
    unsigned parallel = 1;                // processes at a time (0 counts as 1)
    std::chrono::milliseconds timeout{0}; // per process; 0: none
    std::chrono::milliseconds tick{1000}; // how often `onTick` runs while waiting
};

// Runs `commandOf(i)` (argv; argv[0] an absolute path, stdin /dev/null) for i in [0, count),
// `options.parallel` at a time; `onDone(i, outcome)` in the calling thread as each ends, in the
// order they end; `onTick()` between, at least every `options.tick`.
void runWorkerProcesses(size_t count,
                        const std::function<std::vector<std::string>(size_t)>& commandOf,
                        const WorkerOptions& options,
                        const std::function<void(size_t, ProcessOutcome&&)>& onDone,
                        const std::function<void()>& onTick = {});

// "killed by signal 11 (Segmentation fault)", "timed out after 300 s", "exit status 1", ...
std::string describeEnding(const ProcessOutcome& outcome, std::chrono::milliseconds timeout);

} // namespace panicscope
