#include "report/runq_report.h"

#include "util/hex.h"

#include <cstdio>

namespace panicscope::report {

namespace {

void printTask(std::ostream& out, const model::TaskRef& t) {
    char line[64];
    std::snprintf(line, sizeof line, "PID: %-6d  TASK: ", t.pid);
    out << line << hex16(t.address) << "  COMMAND: \"" << t.comm << "\"\n";
}

void printQueue(std::ostream& out, const std::vector<model::QueuedTaskRow>& queue) {
    if (queue.empty()) out << "     [no tasks queued]\n";
    for (const auto& q : queue) {
        out << "     [" << q.prio << "] ";
        printTask(out, q.task);
    }
}

} // namespace

void printRunQueues(std::ostream& out, const model::RunQueueTable& queues) {
    for (size_t i = 0; i < queues.cpus.size(); ++i) {
        const auto& q = queues.cpus[i];
        if (i) out << '\n';
        out << "CPU " << q.cpu << " RUNQUEUE: " << hex16(q.address) << '\n';
        out << "  CURRENT: ";
        if (q.current)
            printTask(out, *q.current);
        else
            out << "(unknown)\n";
        out << "  RT PRIO_ARRAY: " << hex16(q.rtArray) << '\n';
        printQueue(out, q.rt);
        out << "  CFS RB_ROOT: " << hex16(q.cfsRoot) << '\n';
        printQueue(out, q.cfs);
    }
}

} // namespace panicscope::report
