#include "json_document.h"
#include "report/code_report.h"
#include "report/json_report.h"
#include "report/json_text.h"
#include "verbs.h"

namespace panicscope::cli {

namespace {

int runMod(const model::Session& session, const Options& options, std::ostream& out,
           std::ostream& err) {
    auto modules = session.modules();
    if (!modules) return reportError(err, modules.error());
    const auto warnings = session.backtraceWarnings(); // modules the dump lacks parts of
    if (options.json) {
        auto doc = report::modulesJson(*modules);
        doc["warnings"] = report::warningsJson(warnings);
        out << jsonDocument(session, doc) << '\n';
        return 0;
    }
    report::printModules(out, *modules);
    for (const auto& w : warnings)
        err << "panicscope: warning: " << w.text << '\n';
    return 0;
}

} // namespace

Verb modVerb() {
    return {"mod",
            "DUMP",
            "loaded modules: struct module, name, base, size, taint letters, whether ORC and "
            "(with --module-dir) debug info were found",
            {},
            0,
            0,
            runMod};
}

} // namespace panicscope::cli
