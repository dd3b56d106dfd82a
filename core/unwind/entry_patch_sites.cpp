#include "unwind/entry_patch_sites.h"

#include <algorithm>
#include <cstring>
#include <optional>

namespace panicscope::unwind::entry {

namespace {

struct AltInstr {
    uint64_t address = 0, replacementAddress = 0;
    size_t length = 0, replacementLength = 0;
};

struct Layout {
    size_t size;          // of one entry
    size_t lengthsOffset; // of instrlen, replacementlen
};

// s32 instr_offset, s32 repl_offset, then the feature word(s), then u8 instrlen, u8 replacementlen
// (and u8 padlen before its removal).
constexpr Layout kLayouts[] = {{12, 10}, {14, 12}, {13, 10}};

std::optional<std::vector<AltInstr>> parse(std::string_view table, uint64_t tableAddress,
                                           const Layout& layout, uint64_t lowest,
                                           uint64_t highest) {
    if (table.size() % layout.size != 0) return std::nullopt;
    std::vector<AltInstr> entries;
    for (size_t at = 0; at < table.size(); at += layout.size) {
        int32_t instr = 0, repl = 0;
        std::memcpy(&instr, table.data() + at, 4);
        std::memcpy(&repl, table.data() + at + 4, 4);
        AltInstr e;
        e.address = tableAddress + at + instr;
        e.replacementAddress = tableAddress + at + 4 + repl;
        e.length = static_cast<uint8_t>(table[at + layout.lengthsOffset]);
        e.replacementLength = static_cast<uint8_t>(table[at + layout.lengthsOffset + 1]);
        const bool sane = e.address >= lowest && e.address < highest &&
                          e.replacementAddress >= lowest && e.replacementAddress < highest &&
                          e.replacementLength <= e.length && e.length > 0;
        if (!sane) return std::nullopt;
        entries.push_back(e);
    }
    return entries;
}

} // namespace

PatchSites readPatchSites(const symbols::Vmlinux& vmlinux, const std::vector<CodeRegion>& regions) {
    PatchSites out;
    if (vmlinux.isDumpMemory()) {
        // The code in memory is the variant the kernel chose at boot, and the alternatives table
        // lived in init memory, freed since.
        out.note = "the code is read from the dump's memory, as patched at boot";
        return out;
    }
    const auto& symbols = vmlinux.symbols();
    const auto* begin = symbols.byName("__alt_instructions");
    const auto* end = symbols.byName("__alt_instructions_end");
    const auto* text = symbols.byName("_text");
    const auto* imageEnd = symbols.byName("_end");
    if (!begin || !end || !text || !imageEnd || end->address <= begin->address) {
        out.note = "the vmlinux has no alternatives table (__alt_instructions)";
        return out;
    }
    auto table = vmlinux.readFileBytes(begin->address, end->address - begin->address);
    if (!table) {
        out.note = "the alternatives table is not in the vmlinux file";
        return out;
    }
    std::optional<std::vector<AltInstr>> entries;
    for (const Layout& layout : kLayouts)
        if ((entries = parse(*table, begin->address, layout, text->address, imageEnd->address)))
            break;
    if (!entries) {
        out.note = "the alternatives table has no layout this program knows";
        return out;
    }
    for (const AltInstr& e : *entries) {
        const bool wanted = std::any_of(regions.begin(), regions.end(), [&](const CodeRegion& r) {
            return e.address >= r.address && e.address - r.address < r.bytes.size();
        });
        if (!wanted) continue;
        auto replacement = vmlinux.readFileBytes(e.replacementAddress, e.replacementLength);
        if (!replacement) continue;
        out.sites.push_back({e.address, e.length, e.replacementAddress, *replacement});
    }
    return out;
}

} // namespace panicscope::unwind::entry
