// Who holds the lock a blocked task waits on: as the kernel says it -- the hung-task detector's
// blocker lines (6.14+, CONFIG_DETECT_HUNG_TASK_BLOCKER) and lockdep's "Showing all locks held in
// the system:" list -- or as the dump shows it (the mutex_waiter on the blocked task's stack,
// dump_triage.cpp). The values, and the parsers of those lines in their exact kernel formats.
#pragma once

#include "triage/trace_frame.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace panicscope::triage {

struct LockTask {
    int32_t pid = 0;
    std::string comm;
};

// A blocked task, the lock it waits on, and the task that holds it.
struct LockHolder {
    // "hung_task": the kernel's blocker line; "lockdep": the held-locks list (the waiter's last
    // lock is another task's too); "dump": the mutex_waiter on the waiter's stack.
    std::string source;
    // "mutex", "rw-semaphore", "semaphore" (the hung-task line, the dump); lockdep: "lock".
    std::string lockType;
    std::optional<uint64_t> lockAddress;
    std::optional<std::string> lockName; // lockdep's class ("&dev->mutex"), the dump's symbol
    LockTask waiter;
    std::optional<LockTask> holder; // nullopt: "the owner is not found", nobody holds it
    // The rw-semaphore line's roles: "reader" or "writer" (empty elsewhere).
    std::string waiterRole, holderRole;
    std::optional<char> holderState;      // a dump's task state letter, a console's "state:" field
    std::vector<TraceFrame> holderFrames; // its stack, top first, where known
};

// One task of lockdep's held-locks list: "2 locks held by kworker/u8:0/11:" and its
// " #0: ffff888012472538 (&dev->mutex){+.+.}-{3:3}, at: __driver_attach+0x38/0x2c0" lines.
struct HeldLock {
    std::optional<uint64_t> address;
    std::string name;       // the lock class: "&dev->mutex", "rcu_read_lock"
    std::string acquiredAt; // the function of "at:", without its offset
};
struct TaskLocks {
    LockTask task;
    size_t count = 0; // as the kernel counted them (a running task's are not listed)
    std::vector<HeldLock> locks;
};

// Bounds against a hostile log.
inline constexpr size_t kMaxLockHolders = 256;
inline constexpr size_t kMaxHeldLockTasks = 4096;
inline constexpr size_t kMaxHeldLocksPerTask = 64;

// "INFO: task X:1 is blocked on a mutex likely owned by task Y:2.", "INFO: task X:1 blocked on a
// semaphore likely last held by task Y:2", "INFO: task X:1 <reader> blocked on an rw-semaphore
// likely owned by task Y:2 <writer>", and "INFO: task X:1 is blocked on a mutex, but the owner
// is not found." (and its semaphore and rw-semaphore forms): a LockHolder with source
// "hung_task", else nullopt.
std::optional<LockHolder> parseBlockerLine(std::string_view line);

// "N lock(s) held by COMM/PID:" or "no locks held by COMM/PID.": the task and its count.
std::optional<TaskLocks> parseHeldLocksLine(std::string_view line);
// " #N: ADDR (NAME){....}-{a:b}, at: FUNC+0x../0x.." (older kernels: no address, "[<ADDR>]"
// before FUNC).
std::optional<HeldLock> parseHeldLockLine(std::string_view line);

// The holders lockdep's list implies: for each blocked task (by pid), its last listed lock is
// the one it sleeps on (lockdep records a lock before waiting for it); a task that holds the
// same lock (listed at the same address and not as the lock it is itself waiting for) holds it.
std::vector<LockHolder> holdersFromLockdep(const std::vector<TaskLocks>& held,
                                           const std::vector<int32_t>& blockedPids);
// Adds those of them whose waiter `holders` does not name yet (the kernel's blocker line says
// more: the lock's type).
void addLockdepHolders(std::vector<LockHolder>& holders, const std::vector<TaskLocks>& held,
                       const std::vector<int32_t>& blockedPids);

} // namespace panicscope::triage
