// A span of the dump's memory read page by page: what the dump lacks is marked, not failed, so
// a struct with one missing page still shows the rest.
#pragma once

#include "dump/memory.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace panicscope::dump {

// Memory as the dump has it: `bytes` spans the whole request; where a page is not in the dump the
// bytes are zero and `missing` says so.
struct MemoryBlock {
    uint64_t address = 0;
    std::vector<uint8_t> bytes;
    std::vector<std::pair<uint64_t, uint64_t>> missing; // [begin, end) ranges, by address
    std::optional<std::string> missingReason;           // why the first missing range is
    bool present(uint64_t a) const {
        for (const auto& [begin, end] : missing)
            if (a >= begin && a < end) return false;
        return a >= address && a - address < bytes.size();
    }
    // Whether all of [a, a + length) is in the block and the dump.
    bool present(uint64_t a, uint64_t length) const {
        if (a < address || a - address > bytes.size() || length > bytes.size() - (a - address))
            return false;
        for (const auto& [begin, end] : missing)
            if (a < end && a + length > begin) return false;
        return true;
    }
};

// Reads [address, address + length) one page (`pageSize`) at a time. The caller bounds `length`
// and checks that the range does not wrap.
MemoryBlock readBlock(const Memory& memory, uint64_t address, size_t length, uint64_t pageSize,
                      AddressSpace space = AddressSpace::KernelVirtual);

} // namespace panicscope::dump
