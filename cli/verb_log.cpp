#include "json_document.h"
#include "report/json_report.h"
#include "report/json_text.h"
#include "report/text_report.h"
#include "verbs.h"

namespace panicscope::cli {

namespace {

int runLog(const model::Session& session, const Options& options, std::ostream& out,
           std::ostream& err) {
    auto log = session.log();
    if (!log) return reportError(err, log.error());
    if (options.json)
        out << jsonDocument(session, report::logJson(*log)) << '\n';
    else
        report::printLog(out, *log);
    return 0;
}

} // namespace

Verb logVerb() {
    Verb verb{"log", "DUMP", "the kernel log, one line per record as dmesg prints it", {}, 0,
              0,     runLog};
    verb.printsSourceLines = [](const Options&) { return false; };
    return verb;
}

} // namespace panicscope::cli
