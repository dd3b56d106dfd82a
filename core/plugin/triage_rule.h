// A triage rule: a classifier that recognises a crash. It can name a report's first line (the
// oops parser asks every rule in order), a bare panic message, and claim a finished report:
// set its kind, title and guilty frame and add report sections. The built-in classifiers
// (plugins/builtin/) are rules of the first two sorts; plugins add rules of the third.
#pragma once

#include "model/session.h"
#include "triage/crash_report.h"
#include "triage/oops_parser.h"
#include "util/result.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace panicscope::plugin {

// What a claiming rule sees: the report as the built-in rules made it, and the dump's Session
// (null when the report comes from console text).
struct TriageInput {
    const triage::CrashReport& report;
    const model::Session* session = nullptr;
};

// What a rule says about a crash it claims; what it leaves unset stays as it was.
struct TriageClaim {
    std::optional<triage::CrashKind> kind;
    std::optional<std::string> title;
    std::optional<std::string> guiltyFunction; // one of the report's frames
    std::vector<triage::ReportSection> sections;
};

struct TriageRule {
    std::string name;
    std::string summary;
    std::string plugin; // the plugin that registered it
    // A report's first line ("Oops: " removed) -> its kind and title stem.
    std::function<std::optional<triage::KindAndStem>(std::string_view line)> header;
    // A bare panic message, for a dump whose log holds no report.
    std::function<std::optional<triage::KindAndStem>(std::string_view message)> panicMessage;
    // The finished report: a claim, nullopt when the rule has nothing to say.
    std::function<Result<std::optional<TriageClaim>>(const TriageInput& input)> claim;
};

} // namespace panicscope::plugin
