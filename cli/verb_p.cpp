#include "report/json_report.h"
#include "report/json_text.h"
#include "report/type_report.h"
#include "verbs.h"

namespace panicscope::cli {

namespace {

int runP(const model::Session& session, const Options& options, std::ostream& out,
         std::ostream& err) {
    auto objects = session.readVariable(options.args.front());
    if (!objects) return reportError(err, objects.error());
    std::vector<Diagnostic> warnings;
    for (const auto& o : *objects)
        warnings.insert(warnings.end(), o.warnings.begin(), o.warnings.end());
    if (options.json) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& o : *objects)
            list.push_back(report::objectJson(o));
        out << report::jsonText(nlohmann::ordered_json{
                   {"objects", std::move(list)}, {"warnings", report::warningsJson(warnings)}})
            << '\n';
        return 0;
    }
    for (const auto& o : *objects)
        report::printObject(out, o, report::ObjectStyle::Assignment);
    for (const auto& w : warnings)
        err << "panicscope: warning: " << w.text << '\n';
    return 0;
}

} // namespace

Verb pVerb() {
    return {"p",
            "VARIABLE[.member...][:CPU[,CPU...]|:a] DUMP",
            "a global variable's value (or one member's), or a per-CPU variable's on the given "
            "CPUs (a: every CPU)",
            {},
            1,
            1,
            runP};
}

} // namespace panicscope::cli
