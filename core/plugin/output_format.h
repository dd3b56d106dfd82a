// An output format for triage records (`triage --format NAME`): a name and a function that
// renders one report. The built-in ones are "text" and "json"; plugins add others.
#pragma once

#include "triage/crash_report.h"
#include "util/result.h"

#include <functional>
#include <string>

namespace panicscope::plugin {

struct OutputFormat {
    std::string name;
    std::string summary;
    std::string plugin; // the plugin that registered it
    // The whole record as printed, with its final newline.
    std::function<Result<std::string>(const triage::CrashReport& report)> render;
};

} // namespace panicscope::plugin
