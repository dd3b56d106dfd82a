// Each CPU's run queue (struct rq): its current task and the tasks waiting on it, in the CFS
// (EEVDF on 6.6+: the same tasks_timeline) red-black tree and the RT priority queues.
#pragma once

#include "kernel/kernel_view.h"
#include "kernel/per_cpu.h"

#include <cstdint>
#include <string>
#include <vector>

namespace panicscope::kernel {

struct QueuedTask {
    uint64_t task = 0; // the task_struct
    int32_t prio = 0;  // task_struct.prio
};

struct RunQueue {
    unsigned cpu = 0;
    uint64_t address = 0;              // the CPU's struct rq
    uint64_t current = 0;              // rq->curr
    uint64_t rtArray = 0;              // &rq->rt.active
    uint64_t cfsRoot = 0;              // &rq->cfs.tasks_timeline
    std::vector<QueuedTask> rt;        // by priority, then queue order
    std::vector<QueuedTask> cfs;       // in tree order (leftmost, the next to run, first); task
                                       // groups' queues are walked where their entity sits
    std::vector<std::string> warnings; // what could not be read: the queue is partial then
};

// Every present CPU's run queue. Errc::NoType when the kernel's rq layout is unknown.
Result<std::vector<RunQueue>> readRunQueues(const KernelView& view, const PerCpu& perCpu);

} // namespace panicscope::kernel
