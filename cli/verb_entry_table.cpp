// `panicscope entry-table`: every call site in the kernel's entry code with where the pt_regs (or,
// after an IRQ-stack switch, the previous stack pointer) lies from the stack pointer there. From
// the dump's vmlinux at runtime addresses, or from `--vmlinux FILE` alone at link-time addresses.
#include "json_document.h"
#include "report/json_report.h"
#include "report/json_text.h"
#include "report/text_report.h"
#include "verbs.h"

namespace panicscope::cli {

namespace {

int print(const model::Session* session, const Result<model::EntryTable>& table,
          const Options& options, std::ostream& out, std::ostream& err) {
    if (!table) return reportError(err, table.error());
    if (options.json)
        out << (session ? jsonDocument(*session, report::entryTableJson(*table))
                        : report::jsonText(report::entryTableJson(*table)))
            << '\n';
    else
        report::printEntryTable(out, *table);
    return 0;
}

int runEntryTable(const model::Session& session, const Options& options, std::ostream& out,
                  std::ostream& err) {
    return print(&session, session.entryTable(), options, out, err);
}

// Without a dump: the vmlinux named by --vmlinux, at link-time addresses.
std::optional<int> runEntryTableForVmlinux(const Options& options, std::ostream& out,
                                           std::ostream& err) {
    if (!options.args.empty() || !options.vmlinux) return std::nullopt;
    return print(nullptr, model::entryTableOfVmlinux(*options.vmlinux), options, out, err);
}

} // namespace

Verb entryTableVerb() {
    Verb verb{"entry-table",
              "DUMP | --vmlinux FILE",
              "every entry-code call site and where its pt_regs lies",
              {},
              0,
              0,
              runEntryTable};
    verb.runStandalone = runEntryTableForVmlinux;
    return verb;
}

} // namespace panicscope::cli
