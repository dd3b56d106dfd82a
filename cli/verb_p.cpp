#include "object_output.h"
#include "report/type_report.h"
#include "verbs.h"

namespace panicscope::cli {

namespace {

int runP(const model::Session& session, const Options& options, std::ostream& out,
         std::ostream& err) {
    auto objects = session.readVariable(options.args.front());
    if (!objects) return reportError(err, objects.error());
    return printObjects(session, *objects, report::ObjectStyle::Assignment, options, out, err);
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
