// What Copy and Export produce: the CLI's own text and JSON, made by the same report functions,
// so a pasted backtrace or an exported file equals `bt -l` or `bt --json` byte for byte.
#pragma once

#include "model/values.h"

#include <string>
#include <utility>
#include <vector>

namespace panicscope::gui {

// `bt -l`'s text of one task.
std::string backtraceText(const model::TaskRow& task, const unwind::StackTrace& trace);
// `bt --json`'s document: {"tasks": [...]} in the order given.
std::string backtracesJson(
    const std::vector<std::pair<const model::TaskRow*, const unwind::StackTrace*>>& tasks);

} // namespace panicscope::gui
