#include "builtin_rules.h"

#include "report/json_text.h"
#include "report/triage_report.h"

#include <sstream>

namespace panicscope::builtin {

namespace {

Result<std::string> renderText(const triage::CrashReport& report) {
    std::ostringstream out;
    report::printCrashReport(out, report);
    return out.str();
}

Result<std::string> renderJson(const triage::CrashReport& report) {
    return report::jsonText(report::crashReportJson(report), -1) + '\n';
}

} // namespace

std::vector<plugin::OutputFormat> triageFormats() {
    return {{"text", "the report for people (triage's default)", "", renderText},
            {"json", "one JSON record a line (triage --json)", "", renderJson}};
}

} // namespace panicscope::builtin
