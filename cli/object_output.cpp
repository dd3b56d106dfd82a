#include "object_output.h"
#include "json_document.h"

#include "report/json_report.h"
#include "report/json_text.h"

namespace panicscope::cli {

int printObjects(const model::Session& session, const std::vector<model::ObjectValue>& objects,
                 report::ObjectStyle style, const Options& options, std::ostream& out,
                 std::ostream& err) {
    std::vector<Diagnostic> warnings;
    for (const auto& o : objects)
        warnings.insert(warnings.end(), o.warnings.begin(), o.warnings.end());
    if (options.json) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& o : objects)
            list.push_back(report::objectJson(o));
        out << jsonDocument(session,
                            nlohmann::ordered_json{{"objects", std::move(list)},
                                                   {"warnings", report::warningsJson(warnings)}})
            << '\n';
        return 0;
    }
    for (const auto& o : objects)
        report::printObject(out, o, style);
    for (const auto& w : warnings)
        err << "panicscope: warning: " << w.text << '\n';
    return 0;
}

} // namespace panicscope::cli
