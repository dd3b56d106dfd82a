#include "json_document.h"
#include "report/json_report.h"
#include "report/json_text.h"
#include "report/text_report.h"
#include "verbs.h"

namespace panicscope::cli {

namespace {

int runInfo(const model::Session& session, const Options& options, std::ostream& out,
            std::ostream& err) {
    auto info = session.info();
    if (!info) return reportError(err, info.error());
    if (options.json)
        out << jsonDocument(session, report::infoJson(*info)) << '\n';
    else
        report::printInfo(out, *info);
    return 0;
}

} // namespace

Verb infoVerb() {
    Verb verb{"info", "DUMP", "release, CPUs, panic message and CPU, crashing task, uptime", {}, 0,
              0,      runInfo};
    verb.printsSourceLines = [](const Options&) { return false; };
    return verb;
}

} // namespace panicscope::cli
