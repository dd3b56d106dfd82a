// NT_PRSTATUS descriptors (each CPU's registers at the crash) and a kdump-compressed file's note
// area read by offset from its sub-header (readKdumpPrstatus), on an in-memory file.
#include "dump/prstatus.h"
#include "dump/dump_file.h"
#include "fuzz_input.h"
#include "mem_file.h"

#include <cstdint>
#include <span>

using namespace panicscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    (void)dump::decodePrstatus(std::span(reinterpret_cast<const std::byte*>(data), size), 0);
    // The same bytes as a whole kdump file: header, sub-header, note area.
    const fuzz::MemFile file(fuzz::FuzzInput(data, size).rest());
    for (const auto& cpu : dump::readKdumpPrstatus(file.path()))
        (void)cpu.regs.ip;
    return 0;
}
