// The real dump and vmlinux the whole-path fuzz target damages: opened once per process (a
// vmlinux takes a second to open; a fuzz run calls the target thousands of times).
//
// Which dump: $PANICSCOPE_FUZZ_DUMP and $PANICSCOPE_FUZZ_VMLINUX when set, else the main
// kernel's kdump of the "process" scenario from the generated dumps' manifest
// ($PANICSCOPE_MANIFEST, else the one the ctest fixture recorded). Inputs index into the pages
// a clean run reads, so regression inputs are tied to that default dump.
#pragma once

#include "dump/dump_file.h"
#include "symbols/vmlinux.h"
#include "unwind/unwind_tables.h"

#include <memory>

namespace panicscope::fuzz {

struct RealKernel {
    std::unique_ptr<dump::DumpFile> dump;
    std::unique_ptr<symbols::Vmlinux> vmlinux;
    uint64_t kaslrOffset = 0;
    unwind::UnwindTables tables;
};

// Opened on first use; exits with a message naming what is missing when it cannot be.
const RealKernel& realKernel();

} // namespace panicscope::fuzz
