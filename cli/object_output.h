// How `p` and `struct ADDR` print the objects they read: text in the given style, or one JSON
// document {"objects", "warnings"}; members the dump lacks become warnings on stderr.
#pragma once

#include "model/session.h"
#include "options.h"
#include "report/type_report.h"

#include <ostream>
#include <vector>

namespace panicscope::cli {

int printObjects(const model::Session& session, const std::vector<model::ObjectValue>& objects,
                 report::ObjectStyle style, const Options& options, std::ostream& out,
                 std::ostream& err);

} // namespace panicscope::cli
