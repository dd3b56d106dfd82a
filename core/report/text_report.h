// The CLI's text output, in the shapes crash users know (sys, ps, log) where that makes sense.
#pragma once

#include "kernel/printk_log.h"
#include "kernel/tasks.h"
#include "model/values.h"

#include <optional>
#include <ostream>

namespace panicscope::report {

void printInfo(std::ostream& out, const model::DumpInfo& info);
// `crashingTask`: marked with '*' (on-CPU tasks with '>').
void printTasks(std::ostream& out, const kernel::TaskList& tasks,
                std::optional<uint64_t> crashingTask);
void printLog(std::ostream& out, const kernel::KernelLog& log);
void printSymbol(std::ostream& out, const model::SymbolInfo& symbol);

} // namespace panicscope::report
