// The guilty frame: the first frame of a crashing stack that is not reporting machinery (panic,
// die, oops_end, __warn, report_bug, exc_*, dump_stack, ...) nor a generic helper that cannot be
// the culprit (memcpy, string and list helpers, locking primitives, and for a hung task
// schedule() and the waits around it). The rules are the one table in guilty_frame.cpp.
#pragma once

#include "triage/crash_kind.h"
#include "triage/trace_frame.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace panicscope::triage {

// A function name without the compiler's clone suffixes (".cold", ".part.0", ".constprop.0",
// ".isra.0", ".llvm.123"): the same function in two builds.
std::string normalizeFunctionName(std::string_view name);

// Whether the skip table says `function` cannot be the culprit of a crash of `kind`.
bool isSkippedFrame(std::string_view function, CrashKind kind);

// Entry code (asm_*, entry_*, the NMI entry's repeat_nmi, ret_from_fork): where a stack or a
// context begins, never a culprit, and where a signature's frames stop.
bool isEntryCode(std::string_view function);

// The index of the guilty frame in `frames` (top first), nullopt when every frame is skipped.
std::optional<size_t> guiltyFrameIndex(const std::vector<TraceFrame>& frames, CrashKind kind);

} // namespace panicscope::triage
