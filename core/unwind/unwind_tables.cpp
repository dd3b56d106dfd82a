#include "unwind/unwind_tables.h"

#include <future>

namespace panicscope::unwind {

UnwindTables UnwindTables::load(const symbols::Vmlinux& vmlinux) {
    UnwindTables t;
    // The two tables are independent reads of the vmlinux: the entry-call table decodes on a
    // second thread while ORC loads.
    auto entryCalls =
        std::async(std::launch::async, [&vmlinux] { return EntryCallTable::build(vmlinux); });
    if (auto orc = OrcTable::fromVmlinux(vmlinux))
        t.orc = std::make_unique<OrcTable>(std::move(*orc));
    if (auto table = entryCalls.get())
        t.entryCalls = std::make_unique<EntryCallTable>(std::move(*table));
    else
        t.warnings.push_back("entry-call table: " + table.error().message);
    return t;
}

} // namespace panicscope::unwind
