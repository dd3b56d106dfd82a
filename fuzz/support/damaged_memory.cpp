#include "damaged_memory.h"

#include "fuzz_input.h"

#include <cstring>

namespace panicscope::fuzz {

DamagedMemory::DamagedMemory(const dump::Memory& base, const std::vector<PageKey>& hot,
                             std::string_view records)
    : base_(base) {
    if (hot.empty()) return;
    FuzzInput in(records);
    while (!in.empty()) {
        const auto kind = in.take<uint8_t>() % 4;
        const uint64_t where = in.take<uint32_t>() % (hot.size() * kPage);
        const auto length = in.take<uint8_t>();
        const PageKey& page = hot[where / kPage];
        const uint64_t offset = where % kPage;
        if (kind == 2) {
            missing_.insert(page);
        } else if (kind == 3) {
            const PageKey& target = hot[in.take<uint32_t>() % hot.size()];
            const uint64_t pointer = target.second + in.take<uint16_t>() % kPage;
            overwrite(page, offset & ~uint64_t(7), {reinterpret_cast<const char*>(&pointer), 8});
        } else {
            overwrite(page, offset, in.takeBytes(length % 16 + 1));
        }
    }
}

void DamagedMemory::overwrite(const PageKey& page, uint64_t offset, std::string_view bytes) {
    // Bytes past the page's end go to the page after it, as in memory.
    for (size_t i = 0; i < bytes.size(); ++i) {
        const uint64_t at = page.second + offset + i;
        patches_[{page.first, at & ~(kPage - 1)}][at % kPage] = std::byte(bytes[i]);
    }
}

Result<void> DamagedMemory::read(uint64_t address, std::span<std::byte> out,
                                 dump::AddressSpace space) const {
    const uint64_t end = out.size() > ~address ? ~uint64_t(0) : address + out.size();
    const uint64_t first = address & ~(kPage - 1);
    for (uint64_t page = first; !out.empty() && page < end && page >= first; page += kPage) {
        const PageKey key{space, page};
        if (recording_ && hotSeen_.insert(key).second) hotOrder_.push_back(key);
        if (missing_.count(key))
            return fail(Errc::NotInDump, "page " + std::to_string(page) + " is damaged (fuzz)");
    }
    if (auto r = base_.read(address, out, space); !r) return r;
    for (auto it = patches_.lower_bound({space, first});
         it != patches_.end() && it->first.first == space && it->first.second < end; ++it)
        for (const auto& [offset, value] : it->second) {
            const uint64_t at = it->first.second + offset;
            if (at >= address && at < end) out[at - address] = value;
        }
    return {};
}

} // namespace panicscope::fuzz
