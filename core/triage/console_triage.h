// Triage from text alone: a serial console, netconsole, pstore `dmesg-ramoops-N`, `dmesg` or
// `journalctl -k` output.
#pragma once

#include "triage/crash_report.h"
#include "triage/oops_parser.h"
#include "util/result.h"

#include <string>
#include <string_view>

namespace panicscope::triage {

// The report of a parsed text's fatal crash (with the reports before it as `earlier`), source
// and path left empty. nullopt when the text holds no report.
std::optional<CrashReport> reportFromParse(const ConsoleParse& parse);

// The title and signature one parsed report gets on its own.
EarlierReport summarize(const ParsedReport& report);

// Errc::Unsupported "no kernel crash report in PATH" when the text holds none. With the built-in
// triage rules, or a registry's (plugins' rules too).
Result<CrashReport> triageConsoleText(std::string_view text, const std::string& path);
Result<CrashReport> triageConsoleText(std::string_view text, const std::string& path,
                                      const plugin::Registry& registry);
// Reads the file (at most 256 MiB: Errc::Usage beyond) and triages it.
Result<CrashReport> triageConsoleFile(const std::string& path);
Result<CrashReport> triageConsoleFile(const std::string& path, const plugin::Registry& registry);

} // namespace panicscope::triage
