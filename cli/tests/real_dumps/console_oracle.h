// What the kernel itself printed on the serial console: the oracle the real-dump tests compare
// panicscope with.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace panicscope::testing {

struct ConsoleTask { // one sysrq-t "task:" line
    std::string comm;
    char state = '?';
    int pid = 0;
    int ppid = 0;
};

struct ContextSwitches { // one PSCTX line the generator's init printed from /proc/PID/status
    uint64_t voluntary = 0, involuntary = 0;
};

struct ConsoleOracle {
    std::string release; // from the first "Linux version"
    // The crashed kernel's "[ts] text" lines, up to and including its panic line (a kdump
    // capture kernel's boot that follows is cut off).
    std::vector<std::string> kernelLines;
    std::vector<ConsoleTask> sysrqTasks;
    std::optional<std::string> panicMessage;
    std::optional<unsigned> panicCpu; // from the "CPU: N PID: P Comm: C" line after the panic
    std::optional<int> panicPid;
    std::optional<std::string> panicComm;
    std::map<int, ContextSwitches> switchesBefore, switchesAfter; // by pid
    // The kernel's own reliable frames ("function+0xoff"; "RIP: 0010:" interrupted frames
    // included, user-mode RIPs not): each sysrq-t task's by pid, and the panic's. A "?" line is
    // kept (as "?function+0xoff") only right after a RIP: frame: a frame-pointer kernel cannot
    // tell whether an interrupted function had built its frame, so the caller of one that had
    // not is only a guess to it (panicscope knows it from the CFI).
    std::map<int, std::vector<std::string>> sysrqTraces;
    std::vector<std::string> panicTrace;
    // The first oops report ("... [#1] ..."): its first line ("BUG: kernel NULL pointer
    // dereference, ...", "kernel BUG at ..."), its CPU line, and its RIP: frame with the call
    // trace under it.
    std::optional<std::string> oopsHead;
    std::optional<unsigned> oopsCpu;
    std::optional<int> oopsPid;
    std::optional<std::string> oopsComm;
    std::vector<std::string> oopsTrace;
};

// Throws std::runtime_error when the file cannot be read or has no kernel banner.
ConsoleOracle readConsole(const std::string& path);

// Whether our frames are the kernel's, where each "?" entry of the kernel's may be ours or not.
bool sameFrames(std::span<const std::string> ours, std::span<const std::string> kernel);

} // namespace panicscope::testing
