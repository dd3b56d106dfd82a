// The kallsyms decoder of the dump-alone mode (symbols/kallsyms.h): the compressed names, the
// token table and index, the offsets (or absolute addresses), then the symbol table built from
// what it decodes. The input: u32 count (kallsyms_num_syms), u64 relative base, u8 flags (bit
// 0: absolute addresses), u64 slide, then u32-sized runs of the names, the token table and the
// token index, and the rest as the offsets.
#include "symbols/kallsyms.h"

#include "fuzz_input.h"

#include <cstdint>

using namespace panicscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::FuzzInput in(data, size);
    symbols::KallsymsTables tables;
    tables.count = in.take<uint32_t>();
    tables.relativeBase = in.take<uint64_t>();
    tables.absoluteAddresses = (in.take<uint8_t>() & 1) != 0;
    const uint64_t slide = in.take<uint64_t>();
    tables.names = in.takeSized();
    tables.tokenTable = in.takeSized();
    tables.tokenIndex = in.takeSized();
    tables.offsets = in.rest();
    auto decoded = symbols::decodeKallsyms(tables);
    if (!decoded) return 0;
    const auto table = symbols::kallsymsSymbolTable(*decoded, slide);
    for (const auto& s : *decoded)
        if (const auto* found = table.byName(s.name)) (void)table.containing(found->address);
    return 0;
}
