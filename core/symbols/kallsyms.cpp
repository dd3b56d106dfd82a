#include "symbols/kallsyms.h"

#include "util/hex.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

namespace panicscope::symbols {

namespace {

// A kernel has ~90,000 (6.1) to ~160,000 (6.12) symbols; more than this is a damaged count.
constexpr uint32_t kMaxSymbols = 4u << 20;
// KSYM_NAME_LEN is 512 since 6.1 (128 before): a longer expansion is a damaged table.
constexpr size_t kMaxNameLength = 1024;
// The most a reader takes for a table whose end it does not know.
constexpr uint64_t kMaxNamesBytes = 64u << 20;
constexpr uint64_t kMaxTokenTableBytes = 64u << 10;

// The 256 tokens, checked once: each index inside the table, each string ending in it.
Result<std::array<std::string_view, 256>> tokensOf(const KallsymsTables& t) {
    if (t.tokenIndex.size() < 256 * 2)
        return fail(Errc::Corrupt, "kallsyms_token_index is shorter than 256 entries");
    std::array<std::string_view, 256> tokens;
    for (size_t i = 0; i < 256; ++i) {
        uint16_t at = 0;
        std::memcpy(&at, t.tokenIndex.data() + 2 * i, 2);
        if (at >= t.tokenTable.size())
            return fail(Errc::Corrupt, "kallsyms token " + std::to_string(i) + " at offset " +
                                           std::to_string(at) + " is outside the token table (" +
                                           std::to_string(t.tokenTable.size()) + " bytes)");
        const std::string_view rest = t.tokenTable.substr(at);
        const size_t nul = rest.find('\0');
        if (nul == std::string_view::npos)
            return fail(Errc::Corrupt, "kallsyms token " + std::to_string(i) +
                                           " runs past the end of the token table");
        tokens[i] = rest.substr(0, nul);
    }
    return tokens;
}

// The i-th symbol's address, as kallsyms_sym_address() computes it.
uint64_t addressOf(const KallsymsTables& t, size_t i, bool absolutePerCpu, bool* absolute) {
    *absolute = false;
    if (t.absoluteAddresses) {
        uint64_t a = 0;
        std::memcpy(&a, t.offsets.data() + 8 * i, 8);
        return a;
    }
    int32_t offset = 0;
    std::memcpy(&offset, t.offsets.data() + 4 * i, 4);
    if (!absolutePerCpu) return t.relativeBase + static_cast<uint32_t>(offset);
    if (offset >= 0) { // CONFIG_KALLSYMS_ABSOLUTE_PERCPU: a per-CPU symbol's own value
        *absolute = true;
        return static_cast<uint64_t>(offset);
    }
    return t.relativeBase - 1 - static_cast<uint64_t>(static_cast<int64_t>(offset));
}

// With CONFIG_KALLSYMS_ABSOLUTE_PERCPU (x86-64 SMP) every relocated symbol is stored as a
// negative offset; without it all offsets are positive distances from the base (a kernel image
// is far smaller than 2 GiB). So one negative offset tells the encoding.
bool usesAbsolutePerCpu(const KallsymsTables& t) {
    if (t.absoluteAddresses) return false;
    for (size_t i = 0; i < t.count; ++i) {
        int32_t offset = 0;
        std::memcpy(&offset, t.offsets.data() + 4 * i, 4);
        if (offset < 0) return true;
    }
    return false;
}

} // namespace

Result<std::vector<KallsymsSymbol>> decodeKallsyms(const KallsymsTables& t) {
    if (t.count == 0 || t.count > kMaxSymbols)
        return fail(Errc::Corrupt,
                    "kallsyms_num_syms " + std::to_string(t.count) + " is not plausible");
    const size_t width = t.absoluteAddresses ? 8 : 4;
    if (t.offsets.size() / width < t.count)
        return fail(Errc::Corrupt, "kallsyms_num_syms " + std::to_string(t.count) +
                                       " is more than the address table holds (" +
                                       std::to_string(t.offsets.size() / width) + ")");
    auto tokens = tokensOf(t);
    if (!tokens) return tl::unexpected(tokens.error());
    const bool absolutePerCpu = usesAbsolutePerCpu(t);

    std::vector<KallsymsSymbol> out;
    out.reserve(t.count);
    const auto* names = reinterpret_cast<const uint8_t*>(t.names.data());
    const size_t size = t.names.size();
    size_t at = 0;
    auto pastEnd = [&](size_t i) {
        return fail(Errc::Corrupt, "kallsyms name " + std::to_string(i) + " of " +
                                       std::to_string(t.count) + " runs past the name table (" +
                                       std::to_string(size) + " bytes)");
    };
    for (size_t i = 0; i < t.count; ++i) {
        // The length: one byte, or (6.1+, "big symbols") two when the first has bit 7 set.
        if (at >= size) return pastEnd(i);
        size_t length = names[at++];
        if (length & 0x80) {
            if (at >= size) return pastEnd(i);
            length = (length & 0x7f) | (size_t(names[at++]) << 7);
        }
        if (length == 0 || length > size - at) return pastEnd(i);
        std::string expanded;
        for (size_t k = 0; k < length; ++k) {
            expanded += (*tokens)[names[at + k]];
            if (expanded.size() > kMaxNameLength)
                return fail(Errc::Corrupt, "kallsyms name " + std::to_string(i) + " is over " +
                                               std::to_string(kMaxNameLength) + " bytes");
        }
        at += length;
        if (expanded.size() < 2)
            return fail(Errc::Corrupt, "kallsyms name " + std::to_string(i) + " is empty");
        KallsymsSymbol s;
        s.type = expanded[0];
        s.name = expanded.substr(1);
        s.address = addressOf(t, i, absolutePerCpu, &s.absolute);
        out.push_back(std::move(s));
    }
    return out;
}

namespace {

// Bytes of kernel memory, bounded by the caller.
Result<std::string> readBytes(const dump::Memory& memory, uint64_t address, uint64_t length,
                              const char* what) {
    std::string bytes(length, '\0');
    auto r = memory.read(address, std::as_writable_bytes(std::span(bytes.data(), bytes.size())));
    if (!r)
        return fail(r.error().code, std::string("cannot read ") + what + " at " + hex(address) +
                                        ": " + r.error().message);
    return bytes;
}

// How far a table at `address` may reach: up to the next table VMCOREINFO places above it
// (they are laid out one after another), at most `cap` bytes.
uint64_t extentOf(uint64_t address, const std::vector<uint64_t>& known, uint64_t cap) {
    uint64_t end = address + cap;
    for (uint64_t k : known)
        if (k > address) end = std::min(end, k);
    return end - address;
}

// VMCOREINFO names some symbols kallsyms also has: a decoding that disagrees is wrong.
Result<void> checkAgainstVmcoreinfo(const std::vector<KallsymsSymbol>& symbols,
                                    const dump::Vmcoreinfo& vmcoreinfo) {
    size_t checked = 0;
    for (const char* name : {"init_uts_ns", "_stext", "swapper_pg_dir", "prb", "node_data"}) {
        const auto expected = vmcoreinfo.symbol(name);
        if (!expected) continue;
        const auto it = std::find_if(symbols.begin(), symbols.end(),
                                     [&](const KallsymsSymbol& s) { return s.name == name; });
        if (it == symbols.end()) continue;
        if (it->address != *expected)
            return fail(Errc::Corrupt, std::string("kallsyms puts ") + name + " at " +
                                           hex(it->address) + ", VMCOREINFO at " + hex(*expected));
        ++checked;
    }
    if (checked == 0)
        return fail(Errc::Corrupt, "kallsyms has none of the symbols VMCOREINFO names "
                                   "(init_uts_ns, _stext, ...): the table does not decode");
    return {};
}

} // namespace

Result<std::vector<KallsymsSymbol>> readKallsyms(const dump::Memory& memory,
                                                 const dump::Vmcoreinfo& vmcoreinfo) {
    const auto names = vmcoreinfo.symbol("kallsyms_names");
    const auto count = vmcoreinfo.symbol("kallsyms_num_syms");
    const auto tokenTable = vmcoreinfo.symbol("kallsyms_token_table");
    const auto tokenIndex = vmcoreinfo.symbol("kallsyms_token_index");
    const auto offsets = vmcoreinfo.symbol("kallsyms_offsets");
    const auto base = vmcoreinfo.symbol("kallsyms_relative_base");
    const auto addresses = vmcoreinfo.symbol("kallsyms_addresses");
    if (!names || !count || !tokenTable || !tokenIndex || (!(offsets && base) && !addresses))
        return fail(Errc::Unsupported,
                    "the dump's VMCOREINFO has no kallsyms addresses (Linux exports them from "
                    "6.0 on), so the dump alone cannot name symbols");
    std::vector<uint64_t> known = {*names, *count, *tokenTable, *tokenIndex};
    for (const auto& a : {offsets, base, addresses})
        if (a) known.push_back(*a);

    auto numSyms = memory.readU32(*count);
    if (!numSyms)
        return fail(numSyms.error().code,
                    "cannot read kallsyms_num_syms: " + numSyms.error().message);
    if (*numSyms == 0 || *numSyms > kMaxSymbols)
        return fail(Errc::Corrupt,
                    "kallsyms_num_syms " + std::to_string(*numSyms) + " is not plausible");
    KallsymsTables t;
    t.count = *numSyms;
    t.absoluteAddresses = !(offsets && base);
    const uint64_t table = t.absoluteAddresses ? *addresses : *offsets;
    auto addressBytes = readBytes(memory, table, uint64_t(t.count) * (t.absoluteAddresses ? 8 : 4),
                                  t.absoluteAddresses ? "kallsyms_addresses" : "kallsyms_offsets");
    if (!addressBytes) return tl::unexpected(addressBytes.error());
    if (!t.absoluteAddresses) {
        auto relativeBase = memory.readU64(*base);
        if (!relativeBase)
            return fail(relativeBase.error().code,
                        "cannot read kallsyms_relative_base: " + relativeBase.error().message);
        t.relativeBase = *relativeBase;
    }
    auto nameBytes =
        readBytes(memory, *names, extentOf(*names, known, kMaxNamesBytes), "kallsyms_names");
    if (!nameBytes) return tl::unexpected(nameBytes.error());
    auto tokenBytes =
        readBytes(memory, *tokenTable, extentOf(*tokenTable, known, kMaxTokenTableBytes),
                  "kallsyms_token_table");
    if (!tokenBytes) return tl::unexpected(tokenBytes.error());
    auto indexBytes = readBytes(memory, *tokenIndex, 256 * 2, "kallsyms_token_index");
    if (!indexBytes) return tl::unexpected(indexBytes.error());
    t.names = *nameBytes;
    t.tokenTable = *tokenBytes;
    t.tokenIndex = *indexBytes;
    t.offsets = *addressBytes;

    auto symbols = decodeKallsyms(t);
    if (!symbols) return symbols;
    if (auto checked = checkAgainstVmcoreinfo(*symbols, vmcoreinfo); !checked)
        return tl::unexpected(checked.error());
    return symbols;
}

} // namespace panicscope::symbols

namespace panicscope::symbols {

SymbolTable kallsymsSymbolTable(const std::vector<KallsymsSymbol>& symbols, uint64_t slide) {
    auto linkAddress = [&](const KallsymsSymbol& s) {
        return s.absolute ? s.address : s.address - slide;
    };
    auto addressOfName = [&](std::string_view name) -> std::optional<uint64_t> {
        for (const auto& s : symbols)
            if (s.name == name) return linkAddress(s);
        return std::nullopt;
    };
    // The kernel text and the init text (freed after boot, but the idle tasks' stacks still
    // return into start_kernel there): where a sizeless symbol stops, and where a weak symbol
    // is code.
    struct Range {
        std::optional<uint64_t> begin, end;
        bool contains(uint64_t a) const { return begin && end && a >= *begin && a < *end; }
    };
    const Range text{addressOfName("_stext"), addressOfName("_etext")};
    const Range initText{addressOfName("_sinittext"), addressOfName("_einittext")};
    const auto perCpuEnd = addressOfName("__per_cpu_end");
    std::vector<Symbol> out;
    out.reserve(symbols.size());
    for (const auto& k : symbols) {
        Symbol s;
        s.name = k.name;
        s.address = linkAddress(k);
        const char type = static_cast<char>(k.type | 0x20); // lower case
        const bool code = text.contains(s.address) || initText.contains(s.address);
        s.isFunction = type == 't' || (type == 'w' && code);
        if (text.contains(s.address))
            s.sectionEnd = *text.end;
        else if (initText.contains(s.address))
            s.sectionEnd = *initText.end;
        else if (k.absolute && perCpuEnd && s.address <= *perCpuEnd)
            s.sectionEnd = *perCpuEnd;
        out.push_back(s);
    }
    return SymbolTable(std::move(out));
}

} // namespace panicscope::symbols
