// The pieces of a crash report's lines, one function each: what a header line means, a frame
// line, a "RIP:" line, the "CPU: N PID: P Comm: C" line. oops_parser.cpp puts them together.
#pragma once

#include "plugin/triage_rule.h"
#include "triage/oops_parser.h"

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace panicscope::triage {

// A report's first line ("BUG: kernel NULL pointer dereference, address: 0000000000000000"),
// with any "Oops: " in front removed, as the first triage rule that knows it names it (the
// built-in ones: plugins/builtin/crash_header_rules.cpp); nullopt for any other line.
std::optional<KindAndStem> classifyHeader(std::string_view line,
                                          const std::vector<plugin::TriageRule>& rules);
// The same with the built-in rules.
std::optional<KindAndStem> classifyHeader(std::string_view line);

// The text after `key` ("" when `s` lacks it).
std::string_view textAfter(std::string_view s, std::string_view key);
// `s` up to the first of the stop words (or the end), spaces trimmed.
std::string_view cutAtFirst(std::string_view s, std::initializer_list<std::string_view> stops);

// The die() line of an oops: "Oops: 0002 [#1] PREEMPT SMP NOPTI", "invalid opcode: 0000 [#1]".
bool isDieLine(std::string_view line);

// A Call Trace line: " psc_write+0x3c/0x134 [panicscope_crash]", "? vfs_write+0xc7/0x3f0".
struct FrameLine {
    std::string function;
    std::optional<std::string> module;
    bool guess = false; // "?": a word on the stack the unwinder did not vouch for
};
std::optional<FrameLine> parseFrameLine(std::string_view line);

// "RIP: 0010:psc_null_store+0xc/0x20 [panicscope_crash]": the kernel function (empty for
// "0x0"), nullopt for a user-mode RIP (CS 0033/0023) or a line that is no RIP line.
std::optional<FrameLine> parseRipLine(std::string_view line);

struct CpuLine {
    std::optional<unsigned> cpu;
    std::optional<int32_t> pid;
    std::string comm;
    std::optional<std::string> taint; // letters, "" for "Not tainted"
};
// "CPU: 0 UID: 0 PID: 164 Comm: crasher Kdump: loaded Not tainted 6.12...".
std::optional<CpuLine> parseCpuLine(std::string_view line);
// The taint letters after "Tainted: " ("G           OE      6.1.0-56" -> "OE").
std::string taintLetters(std::string_view afterTainted);

// "comm:pid" as hung-task and soft-lockup lines print a task.
bool splitCommPid(std::string_view text, std::string& comm, int32_t& pid);

std::optional<uint64_t> parseHexNumber(std::string_view text);

} // namespace panicscope::triage
