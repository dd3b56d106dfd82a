#include "dump/memory_block.h"

#include <algorithm>
#include <span>

namespace panicscope::dump {

MemoryBlock readBlock(const Memory& memory, uint64_t address, size_t length, uint64_t pageSize,
                      AddressSpace space) {
    MemoryBlock block;
    block.address = address;
    block.bytes.resize(length);
    for (uint64_t at = address; at < address + length;) {
        const uint64_t end = std::min<uint64_t>((at / pageSize + 1) * pageSize, address + length);
        auto bytes = std::as_writable_bytes(std::span(block.bytes).subspan(at - address, end - at));
        if (auto r = memory.read(at, bytes, space); !r) {
            std::fill(bytes.begin(), bytes.end(), std::byte{0});
            if (!block.missing.empty() && block.missing.back().second == at)
                block.missing.back().second = end;
            else
                block.missing.push_back({at, end});
            if (!block.missingReason) block.missingReason = r.error().message;
        }
        at = end;
    }
    return block;
}

} // namespace panicscope::dump
