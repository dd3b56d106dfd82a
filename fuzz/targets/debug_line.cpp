// One unit's .debug_line program (the vmlinux's or a .ko's: untrusted when the file is damaged)
// with the .debug_line_str and .debug_str it names: decoding, the row lookup bt's file:line uses
// and the file names.
//
// Input: u8 flags (bit 0: 4-byte addresses, bit 1: a DW_AT_comp_dir), u32 program offset, u32
// length of .debug_line_str, u32 length of .debug_str, those two sections, then .debug_line.
#include "symbols/line_program.h"

#include "fuzz_input.h"

#include <cstdint>

using namespace panicscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::FuzzInput in(data, size);
    const auto flags = in.take<uint8_t>();
    const auto offset = in.take<uint32_t>();
    const auto lineStrSize = in.take<uint32_t>(), strSize = in.take<uint32_t>();
    symbols::LineSections sections;
    sections.lineStr = in.takeBytes(lineStrSize);
    sections.str = in.takeBytes(strSize);
    sections.line = in.rest();
    const auto program = symbols::LineProgram::decode(
        sections, offset, (flags & 2) ? "/build/linux" : nullptr, (flags & 1) ? 4 : 8);
    if (!program) return 0;
    // Look up a spread of addresses and name every file (and one past the table).
    for (uint64_t address :
         {uint64_t(0), uint64_t(0x1000), uint64_t(0xffffffff81000000), ~uint64_t(0)})
        if (const auto* row = program->rowAt(address)) (void)program->fileName(row->file);
    for (uint64_t i = 0; i <= program->fileCount() && i < 4096; ++i)
        (void)program->fileName(i);
    return 0;
}
