// The CLI's text output, in the shapes crash users know (sys, ps, log) where that makes sense.
#pragma once

#include "kernel/printk_log.h"
#include "kernel/tasks.h"
#include "model/values.h"
#include "unwind/frame.h"

#include <optional>
#include <ostream>

namespace panicscope::report {

void printInfo(std::ostream& out, const model::DumpInfo& info);
// `crashingTask`: marked with '*' (on-CPU tasks with '>').
void printTasks(std::ostream& out, const kernel::TaskList& tasks,
                std::optional<uint64_t> crashingTask);
void printLog(std::ostream& out, const kernel::KernelLog& log);
void printSymbol(std::ostream& out, const model::SymbolInfo& symbol);
// A task's stack as crash users read it: "#N [sp] function+off/size at pc" lines, a
// "--- <IRQ stack> ---" line where the stack changes, and at each pt_regs an
// "=== interrupt: asm_common_interrupt ===" marker with the registers, as show_regs() prints them.
void printBacktrace(std::ostream& out, const kernel::Task& task, const unwind::StackTrace& trace,
                    bool withLines);

} // namespace panicscope::report
