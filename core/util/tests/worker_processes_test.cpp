// Worker processes: each one's output and ending comes back as it finishes; one that crashes,
// hangs or cannot start costs only its own outcome.
#include "util/worker_processes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <map>
#include <unistd.h>

namespace panicscope {
namespace {

using namespace std::chrono_literals;

std::map<size_t, ProcessOutcome> runShells(const std::vector<std::string>& scripts,
                                           WorkerOptions options) {
    std::map<size_t, ProcessOutcome> outcomes;
    runWorkerProcesses(
        scripts.size(),
        [&](size_t i) {
            return std::vector<std::string>{"/bin/sh", "-c", scripts[i]};
        },
        options,
        [&](size_t i, ProcessOutcome&& o) {
            EXPECT_TRUE(outcomes.emplace(i, std::move(o)).second);
        });
    return outcomes;
}

TEST(WorkerProcesses, OutputAndEndingOfEach) {
    const auto o = runShells({"echo out; echo err >&2", "exit 3", "kill -SEGV $$", "sleep 30",
                              "head -c 200000 /dev/zero"},
                             {2, 500ms, 100ms});
    ASSERT_EQ(o.size(), 5u);
    EXPECT_EQ(o.at(0).out, "out\n");
    EXPECT_EQ(o.at(0).err, "err\n");
    EXPECT_EQ(o.at(0).exitStatus, 0);
    EXPECT_EQ(o.at(1).exitStatus, 3);
    EXPECT_EQ(describeEnding(o.at(1), 500ms), "exit status 3");
    EXPECT_EQ(o.at(2).signal, SIGSEGV);
    EXPECT_FALSE(o.at(2).exitStatus);
    EXPECT_EQ(describeEnding(o.at(2), 500ms), "killed by signal 11 (Segmentation fault)");
    EXPECT_TRUE(o.at(3).timedOut);
    EXPECT_EQ(o.at(3).signal, SIGKILL);
    EXPECT_LT(o.at(3).seconds, 5.0);
    EXPECT_EQ(describeEnding(o.at(3), 2000ms), "timed out after 2 s (killed)");
    EXPECT_EQ(o.at(4).out.size(), 200000u); // more than a pipe holds: read while it runs
}

TEST(WorkerProcesses, AProgramThatCannotStartIsAnOutcome) {
    std::vector<size_t> done;
    runWorkerProcesses(
        2,
        [](size_t i) {
            return std::vector<std::string>{i ? "/bin/true" : "/nonexistent/panicscope"};
        },
        {1, 0ms, 100ms},
        [&](size_t i, ProcessOutcome&& o) {
            done.push_back(i);
            if (i == 0) {
                EXPECT_EQ(o.spawnError,
                          "cannot start /nonexistent/panicscope: No such file or directory");
            } else {
                EXPECT_EQ(o.exitStatus, 0);
            }
        });
    EXPECT_EQ(done, (std::vector<size_t>{0, 1}));
}

TEST(WorkerProcesses, RunsAtMostParallelAtATime) {
    // Each worker logs its start and end; at most two, and two at once, ran at any time.
    const std::string log = "/tmp/psworkers-" + std::to_string(::getpid());
    const std::string script = "echo + >> " + log + "; sleep 0.5; echo - >> " + log;
    const auto o = runShells({script, script, script, script}, {2, 0ms, 100ms});
    EXPECT_EQ(o.size(), 4u);
    std::ifstream in(log);
    int running = 0, most = 0, lines = 0;
    for (std::string line; std::getline(in, line); ++lines) {
        running += line == "+" ? 1 : -1;
        most = std::max(most, running);
    }
    std::remove(log.c_str());
    EXPECT_EQ(lines, 8);
    EXPECT_EQ(most, 2);
}

} // namespace
} // namespace panicscope
