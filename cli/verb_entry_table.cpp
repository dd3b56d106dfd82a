// `panicscope entry-table`: every call site in the kernel's entry code with where the pt_regs (or,
// after an IRQ-stack switch, the previous stack pointer) lies from the stack pointer there. From
// the dump's vmlinux at runtime addresses, or from `--vmlinux FILE` alone at link-time addresses.
#include "unwind/entry_call_table.h"
#include "util/hex.h"
#include "verbs.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace panicscope::cli {

namespace {

void printJson(std::ostream& out, const unwind::EntryCallTable& table, uint64_t offset,
               bool runtime) {
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const unwind::EntryCall& r : table.rows())
        rows.push_back({{"return_address", hex(r.returnAddress + offset)},
                        {"pt_regs_offset", r.ptRegsOffset},
                        {"full_regs", r.fullRegs},
                        {"kind", unwind::boundaryKindKey(r.kind)},
                        {"entry", r.entrySymbol},
                        {"callee", r.callee}});
    nlohmann::ordered_json untracked = nlohmann::ordered_json::array();
    for (const unwind::EntryCallProblem& p : table.problems())
        untracked.push_back(
            {{"address", hex(p.address + offset)}, {"function", p.function}, {"reason", p.reason}});
    nlohmann::ordered_json doc;
    doc["addresses"] = runtime ? "runtime" : "link-time";
    doc["rows"] = std::move(rows);
    doc["untracked"] = std::move(untracked);
    out << doc.dump(2) << '\n';
}

// OFFSET: pt_regs is at the stack pointer after the call returns + OFFSET (a "*" marks a call made
// before the general registers are saved: only orig_ax and the hardware frame are valid).
void printText(std::ostream& out, const unwind::EntryCallTable& table, uint64_t offset,
               bool runtime) {
    out << "RETADDR            OFFSET  KIND          ENTRY -> CALLEE\n";
    char line[64];
    for (const unwind::EntryCall& r : table.rows()) {
        std::snprintf(line, sizeof line, "%s  %5lld%c  %-12s  ",
                      hex16(r.returnAddress + offset).c_str(),
                      static_cast<long long>(r.ptRegsOffset), r.fullRegs ? ' ' : '*',
                      unwind::boundaryKindKey(r.kind));
        out << line << r.entrySymbol << " -> " << (r.callee.empty() ? "(indirect)" : r.callee)
            << '\n';
    }
    out << table.rows().size() << " call sites, " << (runtime ? "runtime" : "link-time")
        << " addresses; * = only orig_ax and the hardware frame saved yet\n";
    for (const unwind::EntryCallProblem& p : table.problems())
        out << "no row: " << hex16(p.address + offset) << " " << p.function << ": " << p.reason
            << '\n';
}

int print(const symbols::Vmlinux& vmlinux, uint64_t offset, bool runtime, const Options& options,
          std::ostream& out, std::ostream& err) {
    auto table = unwind::EntryCallTable::build(vmlinux);
    if (!table) return reportError(err, table.error());
    if (options.json)
        printJson(out, *table, offset, runtime);
    else
        printText(out, *table, offset, runtime);
    return 0;
}

} // namespace

int runEntryTable(model::Session& session, const Options& options, std::ostream& out,
                  std::ostream& err) {
    return print(session.vmlinux(), session.view().kaslrOffset(), true, options, out, err);
}

int runEntryTableForVmlinux(const Options& options, std::ostream& out, std::ostream& err) {
    auto vmlinux = symbols::Vmlinux::open(*options.vmlinux);
    if (!vmlinux) return reportError(err, vmlinux.error());
    return print(**vmlinux, 0, false, options, out, err);
}

} // namespace panicscope::cli
