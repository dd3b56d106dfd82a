// bt --group: tasks whose stacks run through the same functions, gathered so that each distinct
// stack prints once with how many tasks have it (the view of a hang on a dump of thousands).
#pragma once

#include "model/values.h"
#include "unwind/frame.h"

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

namespace panicscope::report {

// The functions of a trace's kernel frames, innermost first, inline frames included, and how the
// walk ended: two tasks with the same key wait the same way.
std::string stackKey(const unwind::StackTrace& trace);

struct StackGroup {
    std::vector<model::TaskRow> tasks; // in the order the tasks were given
    unwind::StackTrace trace;          // the first task's
};

// Collects traces from any thread (Session::backtraces' workers); groups() afterwards.
class StackGroups {
  public:
    void add(size_t index, const model::TaskRow& task, unwind::StackTrace trace);
    // The largest group first; equal sizes in the order of their first task.
    std::vector<StackGroup> groups() const;

  private:
    struct Entry {
        size_t firstIndex = 0;
        std::map<size_t, model::TaskRow> tasks; // by index: the given order
        unwind::StackTrace trace;
    };
    mutable std::mutex lock_;
    std::map<std::string, Entry> byKey_;
};

// "== 1501 tasks: sleep (1501) ==", the pids, then the first task's stack as bt prints it.
void printStackGroup(std::ostream& out, const StackGroup& group, bool withLines);
// {"count","pids":[...],"comms":{"sleep":1501},"task": bt --json's object of the first task}.
nlohmann::ordered_json stackGroupJson(const StackGroup& group);

} // namespace panicscope::report
