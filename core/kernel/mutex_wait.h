// The mutex a task sleeps on in mutex_lock(), and who holds it, found in the dump without
// lockdep: __mutex_lock_common() keeps a `struct mutex_waiter` on the sleeping task's stack
// (its `task` the task itself, its `list` linked into the mutex's `wait_list`), so the task's
// stack leads to the mutex, and the mutex's `owner` (a task_struct pointer with flag bits in
// its low bits) to the holder.
#pragma once

#include "kernel/kernel_view.h"
#include "kernel/tasks.h"

#include <cstdint>
#include <functional>
#include <optional>

namespace panicscope::kernel {

// The flag bits in the low bits of mutex.owner (MUTEX_FLAGS: WAITERS, HANDOFF, PICKUP).
inline constexpr uint64_t kMutexFlags = 0x07;
// The most waiters one mutex's wait_list is followed through.
inline constexpr size_t kMaxMutexWaiters = 4096;

struct MutexWait {
    uint64_t mutex = 0;  // the struct mutex
    uint64_t waiter = 0; // the task's struct mutex_waiter, on its stack
    uint64_t owner = 0;  // mutex.owner without its flag bits: the holder's task_struct (0: none)
    size_t waiters = 0;  // the mutex_waiters on its wait_list, this one included
};

// The task at a task_struct address, from the task list (nullptr: no such task).
using TaskAt = std::function<const Task*(uint64_t address)>;

// Searches the stack of `task` (`threadSize` bytes from task.stack, from its saved stack pointer
// up) for a mutex_waiter whose `task` is the task and whose `list` is a well-linked node of a
// ring that holds exactly one node not on a waiter's own stack: the mutex's wait_list. nullopt
// when there is none (the task waits on no mutex); an error when the layouts lack the types.
// The ring is followed with walkList (bounded, loop-safe).
Result<std::optional<MutexWait>> findMutexWait(const KernelView& view, const Task& task,
                                               uint64_t threadSize, const TaskAt& taskAt);

} // namespace panicscope::kernel
