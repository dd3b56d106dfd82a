#include "json_document.h"
#include "report/json_text.h"
#include "report/state_report.h"
#include "verbs.h"

namespace panicscope::cli {

namespace {

int runSys(const model::Session& session, const Options& options, std::ostream& out,
           std::ostream& err) {
    auto info = session.systemInfo();
    if (!info) return reportError(err, info.error());
    if (options.json)
        out << jsonDocument(session, report::systemInfoJson(*info)) << '\n';
    else
        report::printSystemInfo(out, *info);
    return 0;
}

} // namespace

Verb sysVerb() {
    return {"sys",
            "DUMP",
            "the system at the crash: date, uptime, load average, tasks, RAM, panic, taints",
            {},
            0,
            0,
            runSys};
}

} // namespace panicscope::cli
