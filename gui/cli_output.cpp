#include "cli_output.h"

#include "report/json_report.h"
#include "report/text_report.h"

#include <sstream>

namespace panicscope::gui {

std::string backtraceText(const model::TaskRow& task, const unwind::StackTrace& trace) {
    std::ostringstream out;
    report::printBacktrace(out, task, trace, true);
    return out.str();
}

std::string backtracesJson(
    const std::vector<std::pair<const model::TaskRow*, const unwind::StackTrace*>>& tasks) {
    std::ostringstream out;
    report::StreamedJsonArray json(out, "tasks"); // what `bt --json` writes with
    for (const auto& [task, trace] : tasks)
        json.add(report::taskBacktraceJson(*task, *trace));
    json.finish();
    return out.str();
}

} // namespace panicscope::gui
