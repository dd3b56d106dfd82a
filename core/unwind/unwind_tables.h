// The vmlinux's own unwind data: its ORC table (none on a frame-pointer kernel) and the
// entry-call table. Built from the vmlinux alone, so a session can start it on a second thread
// as soon as the vmlinux is open, while the dump's task list is read.
#pragma once

#include "symbols/vmlinux.h"
#include "unwind/entry_call_table.h"
#include "unwind/orc_table.h"

#include <memory>
#include <string>
#include <vector>

namespace panicscope::unwind {

struct UnwindTables {
    std::unique_ptr<OrcTable> orc;              // null on a frame-pointer kernel
    std::unique_ptr<EntryCallTable> entryCalls; // null when the vmlinux has no entry text
    std::vector<std::string> warnings;          // why a table is missing

    // Reads only the vmlinux's mapped sections (no libdw), so it may run beside other work.
    static UnwindTables load(const symbols::Vmlinux& vmlinux);
};

} // namespace panicscope::unwind
