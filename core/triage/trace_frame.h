// One frame of a crashing stack as triage sees it: a function name and where it ran, from a
// console's Call Trace or from the unwinder. No addresses or offsets: they change with every
// boot (KASLR) and build.
#pragma once

#include "triage/crash_kind.h"

#include <optional>
#include <string>

namespace panicscope::triage {

struct TraceFrame {
    std::string function;              // empty: no symbol (a call through a NULL pointer)
    std::optional<std::string> module; // null: the vmlinux
    CrashContext section = CrashContext::Unknown; // the stack it ran on (<IRQ>, <NMI>, task)
    // The first frame of an interrupted or trapped context (after a pt_regs or a "RIP:" line):
    // the frames above it belong to the code that interrupted it.
    bool startsContext = false;
    bool operator==(const TraceFrame&) const = default;
};

} // namespace panicscope::triage
