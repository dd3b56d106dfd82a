// An extra section of a triage report that a triage rule added (a plugin's findings about the
// crash): a title and key/value fields, or a JSON value. `triage` prints them after the frames,
// `triage --json` under "sections", the GUI in a generic tree.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace panicscope::triage {

struct ReportSection {
    std::string title;
    std::string rule; // the triage rule that added it
    std::vector<std::pair<std::string, std::string>> fields;
    std::optional<std::string> json; // a JSON text (checked when added)
};

} // namespace panicscope::triage
