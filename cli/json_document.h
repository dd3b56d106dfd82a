// The one way a verb prints its --json document: with the warnings of the whole run merged into
// its "warnings" array, so that a damaged dump or task list is said in every document, not only
// in the verbs that read what was damaged.
#pragma once

#include "model/session.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace panicscope::cli {

// What the task list could not read (a damaged tasks.next, ...); none when there is no task list.
std::vector<Diagnostic> taskListWarnings(const model::Session& session);
// What opening the dump found (Session::warnings) and then taskListWarnings.
std::vector<Diagnostic> runWarnings(const model::Session& session);

// `doc` (an object) as report::jsonText prints it, with runWarnings first in its "warnings"
// array (added at the end when absent); the ones the document already lists are not repeated.
std::string jsonDocument(const model::Session& session, nlohmann::ordered_json doc);

} // namespace panicscope::cli
