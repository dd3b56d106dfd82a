#include "json_document.h"
#include "report/json_report.h"
#include "report/json_text.h"
#include "report/text_report.h"
#include "verbs.h"

namespace panicscope::cli {

namespace {

int runSym(const model::Session& session, const Options& options, std::ostream& out,
           std::ostream& err) {
    auto symbol = session.lookupSymbol(options.args.front());
    if (!symbol) return reportError(err, symbol.error());
    if (options.json)
        out << jsonDocument(session, report::symJson(*symbol)) << '\n';
    else
        report::printSymbol(out, *symbol);
    return 0;
}

} // namespace

Verb symVerb() {
    return {"sym",
            "ADDR|NAME DUMP",
            "the symbol+offset at an address (exit 1 when none contains it), or a symbol's "
            "address, with file:line; per-CPU variables as offsets with each CPU's address",
            {},
            1,
            1,
            runSym};
}

} // namespace panicscope::cli
