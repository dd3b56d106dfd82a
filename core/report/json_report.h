// The --json documents of the CLI verbs (schema: docs/json-schema.md). Addresses are strings
// ("0xffff..."): 64-bit values do not survive JSON numbers in many parsers; counts, pids and CPU
// numbers are numbers.
#pragma once

#include "model/session.h"
#include "model/values.h"

#include <nlohmann/json.hpp>

#include <ostream>
#include <string_view>

namespace panicscope::report {

nlohmann::ordered_json infoJson(const model::DumpInfo& info);
nlohmann::ordered_json psJson(const model::TaskTable& tasks);
// One row of `ps --json`'s "tasks" (also in the -p and -c documents).
nlohmann::ordered_json taskRowJson(const model::TaskRow& task);
// `ps -p --json`: {"chains": [[oldest ancestor, ..., task], ...], "warnings"}.
nlohmann::ordered_json psParentsJson(const std::vector<std::vector<model::TaskRow>>& chains,
                                     const std::vector<Diagnostic>& warnings);
// `ps -c --json`: {"children": [{"task": row, "children": [rows]}, ...], "warnings"}.
nlohmann::ordered_json psChildrenJson(const std::vector<model::TaskRow>& parents,
                                      const std::vector<std::vector<model::TaskRow>>& children,
                                      const std::vector<Diagnostic>& warnings);
// `runq --json`: {"cpus": [{"cpu", "rq", "current", "rt": [...], "cfs": [...]}], "warnings"}.
nlohmann::ordered_json runqJson(const model::RunQueueTable& queues);
// `irq --json`: {"cpus": [...], "irqs": [{"irq", "desc", "counts", "actions"}], "warnings"}.
nlohmann::ordered_json irqJson(const model::InterruptTable& table);
nlohmann::ordered_json logJson(const model::KernelLog& log);
nlohmann::ordered_json symJson(const model::SymbolInfo& symbol);
// One task of `bt --json`: {"pid","tgid","comm","state","cpu","on_cpu","status","frames":[...]}.
nlohmann::ordered_json taskBacktraceJson(const model::TaskRow& task,
                                         const unwind::StackTrace& trace);
// `entry-table --json`: {"addresses", "rows", "untracked"}.
nlohmann::ordered_json entryTableJson(const model::EntryTable& table);
// The texts of diagnostics, as every document's "warnings" array lists them.
nlohmann::ordered_json warningsJson(const std::vector<Diagnostic>& warnings);

// Writes {"<key>": [elements...]} one element at a time, byte for byte what dump(2) of the whole
// document gives: `bt --all --json` on thousands of tasks then never holds them all in memory.
class StreamedJsonArray {
  public:
    StreamedJsonArray(std::ostream& out, std::string_view key);
    void add(const nlohmann::ordered_json& element) { addText(elementText(element)); }
    // An element's text as add() writes it, to be made on another thread, then added in order.
    static std::string elementText(const nlohmann::ordered_json& element);
    void addText(const std::string& text);
    // Closes the array, adds the members of `more` (an object) after it, and ends the line.
    void finish(const nlohmann::ordered_json& more = nlohmann::ordered_json::object());

  private:
    std::ostream& out_;
    bool empty_ = true;
};

} // namespace panicscope::report
