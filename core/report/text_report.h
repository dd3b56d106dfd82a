// The CLI's text output, in the shapes crash users know (sys, ps, log) where that makes sense.
#pragma once

#include "model/session.h"
#include "model/values.h"

#include <functional>
#include <ostream>

namespace panicscope::report {

void printInfo(std::ostream& out, const model::DumpInfo& info);
// '*' marks the crashing task, '>' the other tasks on a CPU.
void printTasks(std::ostream& out, const model::TaskTable& tasks);
void printLog(std::ostream& out, const model::KernelLog& log);
void printSymbol(std::ostream& out, const model::SymbolInfo& symbol);
// A task's stack as crash users read it: "#N [sp] function+off/size at pc" lines, a
// "--- <IRQ stack> ---" line where the stack changes, and at each pt_regs an
// "=== interrupt: asm_common_interrupt ===" marker with the registers, as show_regs() prints them.
// `afterFrame(out, i)`, when given, prints more under the i-th physical frame's own line (bt -f).
using AfterFrame = std::function<void(std::ostream& out, size_t physicalIndex)>;
void printBacktrace(std::ostream& out, const model::TaskRow& task, const unwind::StackTrace& trace,
                    bool withLines, const AfterFrame& afterFrame = {});
// The registers a boundary frame's pt_regs saved, as printBacktrace() prints them under the marker
// ("    RIP: 0010:..."); nothing when `frame` has no boundary. The GUI shows the same text.
void printBoundaryRegisters(std::ostream& out, const unwind::Frame& frame);
// The marker line of a boundary: "=== interrupt: asm_common_interrupt ===" (GUI and CLI alike).
std::string boundaryTitle(const unwind::Boundary& boundary, bool fromUserMode);
// The "--- <IRQ stack> ---" line of a stack section (without its leading space).
std::string stackSectionTitle(const unwind::StackRange& stack);
// OFFSET: pt_regs is at the stack pointer after the call returns + OFFSET (a "*" marks a call
// made before the general registers are saved: only orig_ax and the hardware frame are valid).
void printEntryTable(std::ostream& out, const model::EntryTable& table);

} // namespace panicscope::report
