#include "json_document.h"
#include "report/irq_report.h"
#include "report/json_report.h"
#include "report/json_text.h"
#include "verbs.h"

namespace panicscope::cli {

namespace {

int runIrq(const model::Session& session, const Options& options, std::ostream& out,
           std::ostream& err) {
    auto table = session.interrupts();
    if (!table) return reportError(err, table.error());
    if (options.json)
        out << jsonDocument(session, report::irqJson(*table)) << '\n';
    else
        report::printInterrupts(out, *table);
    for (const auto& w : table->warnings)
        if (!options.json) err << "panicscope: warning: " << w.text << '\n';
    return 0;
}

} // namespace

Verb irqVerb() {
    return {"irq",
            "DUMP",
            "each interrupt's per-CPU count, action names and handlers, as /proc/interrupts "
            "(kernels before 6.5)",
            {},
            0,
            0,
            runIrq};
}

} // namespace panicscope::cli
