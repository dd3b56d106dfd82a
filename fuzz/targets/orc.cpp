// The kernel's ORC tables (.orc_unwind_ip + .orc_unwind of a vmlinux, damaged or crafted): the
// table over the raw sections in place (sorted when out of order), its lookups and the entry
// decoder in each packed format.
//
// Input: u8 format (mod 3: 6.1, 6.3, 6.4+), u64 address of the first ip slot, u32 entry count,
// then count s32 ip offsets and the 6-byte entries.
#include "unwind/orc_table.h"

#include "fuzz_input.h"

#include <cstdint>

using namespace panicscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::FuzzInput in(data, size);
    const auto format = static_cast<unwind::OrcFormat>(in.take<uint8_t>() % 3);
    const auto ipBase = in.take<uint64_t>();
    const uint64_t count = in.take<uint32_t>();
    const auto ips = in.takeBytes(count * 4);
    const auto packed = in.rest();
    const auto table = unwind::OrcTable::fromSections(ips, packed, ipBase, format);
    // Look up each entry's address, just below it and past it (bounded: a table may be large).
    for (size_t i = 0; i < table.size() && i < 2048; ++i) {
        const uint64_t at = table.address(i);
        (void)table.entry(i);
        for (uint64_t probe : {at - 1, at, at + 1})
            if (auto e = table.find(probe)) (void)e->spOffset;
    }
    (void)table.find(0), (void)table.find(~uint64_t(0));
    return 0;
}
