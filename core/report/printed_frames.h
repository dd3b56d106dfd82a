// The frames of a trace in the order people read them (and the JSON `frames` array lists them):
// for each physical frame, the functions inlined at its pc innermost first, then the frame
// itself. The one place that flattens the nesting, for the CLI's text and JSON and the GUI.
#pragma once

#include "unwind/frame.h"

#include <optional>
#include <string>

namespace panicscope::report {

struct PrintedFrame {
    const unwind::Frame& frame;         // the physical frame
    const unwind::InlineFrame* inlined; // null: the physical frame itself
    bool first;                         // the first printed frame of `frame`
    const std::optional<std::string>& function() const {
        return inlined ? inlinedName_ : frame.function;
    }
    const std::optional<std::string>& file() const { return inlined ? inlined->file : frame.file; }
    std::optional<int> line() const { return inlined ? inlined->line : frame.line; }

    PrintedFrame(const unwind::Frame& f, const unwind::InlineFrame* i, bool isFirst)
        : frame(f), inlined(i), first(isFirst),
          inlinedName_(i ? std::optional<std::string>(i->function) : std::nullopt) {}

  private:
    std::optional<std::string> inlinedName_;
};

// Calls `visit(index, PrintedFrame)` for every printed frame of `trace`.
template <class Visit> void forEachPrintedFrame(const unwind::StackTrace& trace, Visit&& visit) {
    size_t index = 0;
    for (const auto& frame : trace.frames) {
        bool first = true;
        for (const auto& inlined : frame.inlines) {
            visit(index++, PrintedFrame(frame, &inlined, first));
            first = false;
        }
        visit(index++, PrintedFrame(frame, nullptr, first));
    }
}

// Whether the walk reached `frame` (the i-th physical one) on another stack than the task stack
// it was printed on before: a "--- <IRQ stack> ---" line goes before it.
inline bool opensStackSection(const unwind::StackTrace& trace, size_t i) {
    const auto& f = trace.frames[i];
    if (f.userMode) return false;
    return f.stackSwitchFrom.has_value() || (i == 0 && f.stack.kind != unwind::StackKind::Task);
}

} // namespace panicscope::report
