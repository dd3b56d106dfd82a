#include "unwind/unwind_tables.h"

#include "util/index_cache.h"

#include <future>

namespace panicscope::unwind {

namespace {

// The entry-call table from the index cache, or decoded and then kept there.
Result<EntryCallTable> entryCallTable(const symbols::Vmlinux& vmlinux) {
    return IndexCache::forFile(vmlinux.path(), vmlinux.buildId())
        .loadOrBuild(
            "entry-calls",
            [](const MappedFile& entry) { return EntryCallTable::decode(entry.bytes()); },
            [&vmlinux] { return EntryCallTable::build(vmlinux); },
            [](const EntryCallTable& table) { return table.encode(); });
}

} // namespace

UnwindTables UnwindTables::load(const symbols::Vmlinux& vmlinux) {
    UnwindTables t;
    // The two tables are independent reads of the vmlinux: the entry-call table decodes on a
    // second thread while ORC loads.
    auto entryCalls =
        std::async(std::launch::async, [&vmlinux] { return entryCallTable(vmlinux); });
    if (auto orc = OrcTable::fromVmlinux(vmlinux))
        t.orc = std::make_unique<OrcTable>(std::move(*orc));
    if (auto table = entryCalls.get())
        t.entryCalls = std::make_unique<EntryCallTable>(std::move(*table));
    else
        t.warnings.push_back("entry-call table: " + table.error().message);
    return t;
}

} // namespace panicscope::unwind
