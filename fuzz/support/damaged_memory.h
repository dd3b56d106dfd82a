// Memory with damage on top of a real dump's: bytes overwritten, pages gone, pointers redirected
// -- what a dying kernel or an attacker leaves, at the places the reader actually reads. The
// places are the "hot" pages a clean run read (recorded by this same class with no damage), so
// a fuzz input indexes into them instead of guessing addresses in a 2^64 space.
//
// A damage record: u8 kind, u32 where (a byte in the hot pages), u8 length, then bytes.
//   kind % 4 == 0, 1: overwrite (length % 16) + 1 bytes at `where` with the bytes that follow;
//   kind % 4 == 2:    the hot page `where` indexes is missing (reads fail, as a filtered page);
//   kind % 4 == 3:    an 8-byte pointer at `where` (aligned down) to the hot page the next u32
//                     picks, at the offset the u16 after it gives: loops, aliases, cross-links.
#pragma once

#include "dump/memory.h"

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace panicscope::fuzz {

class DamagedMemory final : public dump::Memory {
  public:
    static constexpr uint64_t kPage = 4096;
    using PageKey = std::pair<dump::AddressSpace, uint64_t>; // a page-aligned address

    // No damage: records the pages read, in the order first read (hotPages()).
    explicit DamagedMemory(const dump::Memory& base) : base_(base), recording_(true) {}
    // Damage from `records` over `hot` (the pages of a clean run).
    DamagedMemory(const dump::Memory& base, const std::vector<PageKey>& hot,
                  std::string_view records);

    Result<void> read(uint64_t address, std::span<std::byte> out,
                      dump::AddressSpace space = dump::AddressSpace::KernelVirtual) const override;

    const std::vector<PageKey>& hotPages() const { return hotOrder_; }

  private:
    void overwrite(const PageKey& page, uint64_t offset, std::string_view bytes);

    const dump::Memory& base_;
    bool recording_ = false;
    mutable std::vector<PageKey> hotOrder_;
    mutable std::set<PageKey> hotSeen_;
    std::set<PageKey> missing_;
    std::map<PageKey, std::map<uint64_t, std::byte>> patches_; // page -> offset -> byte
};

} // namespace panicscope::fuzz
