// `triage`'s output: one JSON record per crash (schema: docs/json-schema.md, "schema": 1), on one
// line so a batch can stream them; and the text for people.
#pragma once

#include "triage/crash_report.h"

#include <nlohmann/json.hpp>

#include <ostream>

namespace panicscope::report {

nlohmann::ordered_json crashReportJson(const triage::CrashReport& report);
void printCrashReport(std::ostream& out, const triage::CrashReport& report);

} // namespace panicscope::report
