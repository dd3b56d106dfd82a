// The --json documents of the CLI verbs (schema: docs/json-schema.md). Addresses are strings
// ("0xffff..."): 64-bit values do not survive JSON numbers in many parsers; counts, pids and CPU
// numbers are numbers.
#pragma once

#include "kernel/printk_log.h"
#include "kernel/tasks.h"
#include "model/values.h"
#include "unwind/frame.h"

#include <nlohmann/json.hpp>

namespace panicscope::report {

nlohmann::ordered_json infoJson(const model::DumpInfo& info);
nlohmann::ordered_json psJson(const kernel::TaskList& tasks);
nlohmann::ordered_json logJson(const kernel::KernelLog& log);
nlohmann::ordered_json symJson(const model::SymbolInfo& symbol);
// One task of `bt --json`: {"pid","tgid","comm","state","cpu","on_cpu","status","frames":[...]}.
nlohmann::ordered_json taskBacktraceJson(const kernel::Task& task, const unwind::StackTrace& trace);

} // namespace panicscope::report
