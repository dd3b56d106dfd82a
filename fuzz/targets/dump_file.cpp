// A whole dump file, kdump-compressed or ELF, opened exactly as the CLI opens one: our header
// checks (inspectDumpFile), libkdumpfile behind them, VMCOREINFO and the NT_PRSTATUS notes; then
// a few reads of the memory it describes (the pages VMCOREINFO names, physical page 0 and 1 MiB).
// The input is the file's bytes, as an in-memory file.
#include "dump/dump_file.h"
#include "dump/file_inspection.h"

#include "mem_file.h"

#include <array>
#include <cstdint>
#include <string_view>

using namespace panicscope;

namespace {

void readSome(const dump::DumpFile& file) {
    std::array<std::byte, 64> buffer;
    size_t reads = 0;
    for (const char* name : {"init_uts_ns", "swapper_pg_dir", "_stext", "prb", "init_task"})
        if (auto address = file.vmcoreinfo().symbol(name); address && reads++ < 8)
            (void)file.read(*address, buffer);
    for (uint64_t physical : {uint64_t(0), uint64_t(1) << 20})
        (void)file.read(physical, buffer, dump::AddressSpace::Physical);
    for (const auto& cpu : file.cpus())
        (void)cpu.regs.ip;
    (void)file.utsField("release");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const fuzz::MemFile input(std::string_view(reinterpret_cast<const char*>(data), size));
    (void)dump::inspectDumpFile(input.path());
    if (auto file = dump::DumpFile::open({input.path()})) readSome(**file);
    return 0;
}
