#include "unwind/orc_table.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <numeric>

namespace panicscope::unwind {

Result<OrcFormat> orcFormatForRelease(const std::string& release) {
    unsigned major = 0, minor = 0;
    if (std::sscanf(release.c_str(), "%u.%u", &major, &minor) != 2)
        return fail(Errc::Unsupported, "cannot tell the ORC format of kernel '" + release + "'");
    const unsigned version = major * 1000 + minor;
    if (version < 4014) return fail(Errc::Unsupported, "kernel " + release + " predates ORC");
    if (version >= 7001)
        return fail(Errc::Unsupported, "the ORC format of kernel " + release +
                                           " (registers renumbered in 7.1) is not supported yet");
    if (version >= 6004) return OrcFormat::V6_4;
    if (version >= 6003) return OrcFormat::V6_3;
    return OrcFormat::V6_1;
}

namespace {

// scripts/orc_hash.sh: the SHA-1 of orc_types.h's ORC_REG_* and ORC_TYPE_* defines and its
// struct orc_entry, which the kernel stores in .orc_header.
constexpr size_t kOrcHashSize = 20;

// Only hashes seen in real kernels, each with the layout those kernels' tables are read in.
struct KnownOrcHash {
    std::array<uint8_t, kOrcHashSize> hash;
    OrcFormat format;
};
constexpr KnownOrcHash kKnownOrcHashes[] = {
    // Debian 12's 6.12.117+deb12-cloud-amd64 (sp_reg:4 bp_reg:4 type:3 signal:1); drgn knows it
    // as the hash of the definitions since 6.4.
    {{0xfe, 0x5d, 0x32, 0xbf, 0x58, 0x1b, 0xd6, 0x3b, 0x2c, 0xa9,
      0xa5, 0xc6, 0x5b, 0xa5, 0xa6, 0x25, 0xea, 0xb3, 0xfe, 0x24},
     OrcFormat::V6_4},
};

} // namespace

std::optional<OrcFormat> orcFormatFromHeader(const symbols::Vmlinux& vmlinux) {
    const auto* start = vmlinux.symbols().byName("__start_orc_header");
    const auto* stop = vmlinux.symbols().byName("__stop_orc_header");
    if (!start || !stop || stop->address - start->address != kOrcHashSize) return std::nullopt;
    auto header = vmlinux.readFileBytes(start->address, kOrcHashSize);
    if (!header) return std::nullopt;
    for (const KnownOrcHash& known : kKnownOrcHashes)
        if (std::memcmp(header->data(), known.hash.data(), kOrcHashSize) == 0) return known.format;
    return std::nullopt;
}

Result<OrcFormat> orcFormatOf(const symbols::Vmlinux& vmlinux) {
    if (auto format = orcFormatFromHeader(vmlinux)) return *format;
    return orcFormatForRelease(vmlinux.release());
}

OrcEntry decodeOrcEntry(std::span<const uint8_t, 6> raw, OrcFormat format) {
    OrcEntry e;
    std::memcpy(&e.spOffset, raw.data(), 2);
    std::memcpy(&e.bpOffset, raw.data() + 2, 2);
    // Register numbers are the same from 4.14 to 7.0.
    static constexpr OrcReg kRegs[16] = {
        OrcReg::Undefined,  OrcReg::PrevSp,     OrcReg::Dx,        OrcReg::Di,
        OrcReg::Bp,         OrcReg::Sp,         OrcReg::R10,       OrcReg::R13,
        OrcReg::BpIndirect, OrcReg::SpIndirect, OrcReg::Undefined, OrcReg::Undefined,
        OrcReg::Undefined,  OrcReg::Undefined,  OrcReg::Undefined, OrcReg::Undefined};
    e.spReg = kRegs[raw[4] & 0xf];
    e.bpReg = kRegs[raw[4] >> 4];
    const uint8_t bits = raw[5];
    if (format == OrcFormat::V6_4) {
        static constexpr OrcType kTypes[8] = {
            OrcType::Undefined,   OrcType::EndOfStack, OrcType::Call,      OrcType::Regs,
            OrcType::RegsPartial, OrcType::Undefined,  OrcType::Undefined, OrcType::Undefined};
        e.type = kTypes[bits & 0x7];
        e.signal = (bits & 0x8) != 0;
        return e;
    }
    // Before 6.4: CALL 0, REGS 1, REGS_PARTIAL 2, and an `end` bit marking the bottom of a stack
    // (with an undefined sp register).
    const unsigned type = bits & 0x3;
    const bool end = format == OrcFormat::V6_3 ? (bits & 0x8) != 0 : (bits & 0x4) != 0;
    e.type = type == 0   ? OrcType::Call
             : type == 1 ? OrcType::Regs
             : type == 2 ? OrcType::RegsPartial
                         : OrcType::Undefined;
    e.signal = format == OrcFormat::V6_3 ? (bits & 0x4) != 0 : e.type != OrcType::Call;
    if (e.spReg == OrcReg::Undefined) e.type = end ? OrcType::EndOfStack : OrcType::Undefined;
    return e;
}

namespace {

// The table's order: by address; at one address an undefined entry (a section's weak terminator)
// goes first so the real entry wins the lookup, as in the kernel's orc_sort_cmp().
bool sortsBefore(uint64_t a, const OrcEntry& aEntry, uint64_t b, const OrcEntry& bEntry) {
    if (a != b) return a < b;
    return aEntry.type == OrcType::Undefined && bEntry.type != OrcType::Undefined;
}

} // namespace

Result<OrcTable> OrcTable::fromVmlinux(const symbols::Vmlinux& vmlinux) {
    const auto& symbols = vmlinux.symbols();
    const auto* ipStart = symbols.byName("__start_orc_unwind_ip");
    const auto* ipStop = symbols.byName("__stop_orc_unwind_ip");
    const auto* orcStart = symbols.byName("__start_orc_unwind");
    const auto* orcStop = symbols.byName("__stop_orc_unwind");
    if (!ipStart || !ipStop || !orcStart || !orcStop)
        return fail(Errc::Unsupported, vmlinux.path() + " has no ORC unwind data");
    auto format = orcFormatOf(vmlinux);
    if (!format) return tl::unexpected(format.error());
    const uint64_t count = (ipStop->address - ipStart->address) / 4;
    if (ipStop->address < ipStart->address || orcStop->address - orcStart->address != count * 6)
        return fail(Errc::Corrupt, vmlinux.path() + ": the ORC tables disagree in size");
    auto ips = vmlinux.readFileBytes(ipStart->address, count * 4);
    auto orcs = vmlinux.readFileBytes(orcStart->address, count * 6);
    if (!ips || !orcs) return fail(Errc::Corrupt, vmlinux.path() + ": cannot read the ORC tables");

    return fromSections(*ips, *orcs, ipStart->address, *format);
}

OrcTable OrcTable::fromSections(std::string_view relativeIps, std::string_view packed,
                                uint64_t ipBase, OrcFormat format) {
    const size_t count = std::min(relativeIps.size() / 4, packed.size() / 6);
    OrcTable table;
    table.size_ = count;
    table.relativeIps_ = reinterpret_cast<const uint8_t*>(relativeIps.data());
    table.packed_ = reinterpret_cast<const uint8_t*>(packed.data());
    table.ipBase_ = ipBase;
    table.format_ = format;
    // The kernel sorts its table at build time (scripts/sorttable); a lookup in place needs that
    // order, so check it (one pass over the addresses) and decode and sort a table without it.
    // Entries are decoded only where two addresses tie, the one case their order depends on.
    for (size_t i = 1, previous = count ? table.address(0) : 0; i < count; ++i) {
        const uint64_t address = table.address(i);
        const bool inOrder = address > previous ||
                             (address == previous &&
                              !sortsBefore(address, table.entry(i), previous, table.entry(i - 1)));
        previous = address;
        if (inOrder) continue;
        std::vector<uint64_t> addresses(count);
        std::vector<OrcEntry> entries(count);
        for (size_t j = 0; j < count; ++j) {
            addresses[j] = table.address(j);
            entries[j] = table.entry(j);
        }
        return fromRows(std::move(addresses), std::move(entries));
    }
    return table;
}

OrcTable OrcTable::fromRows(std::vector<uint64_t> addresses, std::vector<OrcEntry> entries) {
    auto before = [&](size_t a, size_t b) {
        return sortsBefore(addresses[a], entries[a], addresses[b], entries[b]);
    };
    std::vector<size_t> order(addresses.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), before);
    OrcTable table;
    table.size_ = order.size();
    table.addresses_.reserve(order.size());
    table.entries_.reserve(order.size());
    for (size_t i : order) {
        table.addresses_.push_back(addresses[i]);
        table.entries_.push_back(entries[i]);
    }
    return table;
}

uint64_t OrcTable::address(size_t i) const {
    if (!relativeIps_) return addresses_[i];
    int32_t rel;
    std::memcpy(&rel, relativeIps_ + i * 4, 4);
    return ipBase_ + i * 4 + static_cast<int64_t>(rel);
}

OrcEntry OrcTable::entry(size_t i) const {
    if (!packed_) return entries_[i];
    return decodeOrcEntry(std::span<const uint8_t, 6>(packed_ + i * 6, 6), format_);
}

std::optional<OrcEntry> OrcTable::find(uint64_t address) const {
    // The first entry above the address; the one before it is in force.
    size_t low = 0, high = size_;
    while (low < high) {
        const size_t mid = low + (high - low) / 2;
        if (this->address(mid) <= address)
            low = mid + 1;
        else
            high = mid;
    }
    if (low == 0) return std::nullopt;
    return entry(low - 1);
}

} // namespace panicscope::unwind
