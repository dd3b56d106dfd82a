#include "symbols/unit_ranges.h"

#include "util/hex.h"

#include <algorithm>

namespace panicscope::symbols {

UnitRanges UnitRanges::of(Dwarf* dwarf) {
    UnitRanges out;
    auto noteDamage = [&out](uint64_t offset) {
        if (!out.damage_)
            out.damage_ = std::string(dwarf_errmsg(-1)) + " in the unit at offset " + hex(offset);
    };
    Dwarf_Off offset = 0, next = 0;
    size_t headerSize = 0;
    int status = 0;
    while ((status = dwarf_nextcu(dwarf, offset, &next, &headerSize, nullptr, nullptr, nullptr)) ==
           0) {
        Dwarf_Die unit;
        const uint64_t dieOffset = offset + headerSize;
        if (!dwarf_offdie(dwarf, dieOffset, &unit)) {
            noteDamage(offset);
        } else {
            Dwarf_Addr base = 0, start = 0, end = 0;
            ptrdiff_t at = 0;
            while ((at = dwarf_ranges(&unit, at, &base, &start, &end)) > 0)
                if (start < end) out.ranges_.push_back({start, end, dieOffset});
            if (at < 0) noteDamage(offset);
        }
        offset = next;
    }
    if (status < 0) noteDamage(offset); // a unit length past the section: the rest is lost
    std::sort(out.ranges_.begin(), out.ranges_.end(),
              [](const Range& a, const Range& b) { return a.start < b.start; });
    return out;
}

std::optional<uint64_t> UnitRanges::unitAt(uint64_t linkAddress) const {
    // Units do not overlap: the last range starting at or below the address is the only one.
    auto it = std::upper_bound(ranges_.begin(), ranges_.end(), linkAddress,
                               [](uint64_t a, const Range& r) { return a < r.start; });
    if (it == ranges_.begin()) return std::nullopt;
    --it;
    if (linkAddress >= it->end) return std::nullopt;
    return it->unit;
}

} // namespace panicscope::symbols
