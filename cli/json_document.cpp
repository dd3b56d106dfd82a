#include "json_document.h"

#include "report/json_report.h"
#include "report/json_text.h"

#include <unordered_set>

namespace panicscope::cli {

std::vector<Diagnostic> taskListWarnings(const model::Session& session) {
    auto table = session.tasks(); // computed once per session and kept
    return table ? table->warnings : std::vector<Diagnostic>{};
}

std::vector<Diagnostic> runWarnings(const model::Session& session) {
    std::vector<Diagnostic> all = session.warnings();
    for (auto& w : taskListWarnings(session))
        all.push_back(std::move(w));
    return all;
}

std::string jsonDocument(const model::Session& session, nlohmann::ordered_json doc) {
    nlohmann::ordered_json merged = nlohmann::ordered_json::array();
    std::unordered_set<std::string> listed; // a damaged dump can have many: no quadratic search
    for (const auto& w : runWarnings(session))
        if (listed.insert(w.text).second) merged.push_back(w.text);
    if (auto own = doc.find("warnings"); own != doc.end() && own->is_array())
        for (auto& w : *own)
            if (!w.is_string() || listed.insert(w.get<std::string>()).second)
                merged.push_back(std::move(w));
    doc["warnings"] = std::move(merged);
    return report::jsonText(doc);
}

} // namespace panicscope::cli
