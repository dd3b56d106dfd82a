// Every process and thread of the crashed kernel, with what ps shows of each.
#pragma once

#include "kernel/kernel_view.h"
#include "kernel/per_cpu.h"

#include <cstdint>
#include <string>
#include <vector>

namespace panicscope::kernel {

// Where a task was found: the list of processes from init_task.tasks, a process's thread group,
// a CPU's idle task, a CPU's current task found on no list, or the pid IDR (init_pid_ns.idr)
// after a damaged list.
enum class TaskSource { TaskList, ThreadGroup, CpuIdle, CpuCurrent, PidIdr };
// The stable key of each (JSON "source"): "task_list", "thread_group", "cpu_idle", "cpu_current",
// "pid_idr".
const char* taskSourceKey(TaskSource source);

struct Task {
    uint64_t address = 0; // the task_struct
    TaskSource source = TaskSource::TaskList;
    int32_t pid = 0;
    int32_t tgid = 0;
    int32_t ppid = 0; // the real parent's tgid, as sysrq-t and ps print it
    std::string comm;
    char state = '?';
    uint32_t cpu = 0;
    bool onCpu = false;        // the current task of its CPU
    bool kernelThread = false; // PF_KTHREAD (idle tasks included)
    uint64_t stack = 0;        // task_struct.stack: base of the kernel stack
    uint64_t threadSp = 0;     // thread.sp: saved stack pointer of a switched-out task
    uint64_t nvcsw = 0;        // voluntary context switches
    uint64_t nivcsw = 0;       // involuntary context switches
    // Scheduler clocks in ns, 0 where the kernel has no such field: when it last arrived on a CPU
    // (sched_info.last_arrival, else se.exec_start: crash's `ps -l`), its user and system time,
    // and when it started (start_time, monotonic: ns since boot).
    uint64_t lastRun = 0, utime = 0, stime = 0, startTime = 0;
};

struct TaskList {
    std::vector<Task> tasks;            // sorted by pid, idle tasks (pid 0) by CPU first
    std::vector<uint64_t> currentByCpu; // rq->curr per CPU id (0 when unreadable)
    std::vector<std::string> warnings;  // what could not be read; the list is partial then
};

// Walks init_task.tasks and each process's signal->thread_head, plus every CPU's idle task.
// A broken link ends that walk with a warning instead of failing the whole list; then each
// CPU's current task the walks missed is added, with its thread group, and every task of the
// pid IDR they missed.
Result<TaskList> readTasks(const KernelView& view, const PerCpu& perCpu);

} // namespace panicscope::kernel
