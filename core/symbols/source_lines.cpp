#include "symbols/source_lines.h"

#include "symbols/source_path.h"

#include <dwarf.h>

#include <algorithm>

namespace panicscope::symbols {

namespace {

const char* compDirOf(Dwarf_Die& unit) {
    Dwarf_Attribute attr;
    return dwarf_formstring(dwarf_attr(&unit, DW_AT_comp_dir, &attr));
}

} // namespace

const LineProgram* SourceLines::program(Dwarf_Die& unit) const {
    const uint64_t key = dwarf_dieoffset(&unit);
    auto it = programs_.find(key);
    if (it == programs_.end()) {
        if (!sections_) sections_ = lineSectionsOf(dwarf_getelf(dwarf_->dwarf));
        std::optional<LineProgram> decoded;
        Dwarf_Attribute attr;
        Dwarf_Word offset = 0;
        Dwarf_Die cu;
        uint8_t addressSize = 0, offsetSize = 0;
        if (dwarf_formudata(dwarf_attr(&unit, DW_AT_stmt_list, &attr), &offset) == 0 &&
            dwarf_diecu(&unit, &cu, &addressSize, &offsetSize))
            decoded = LineProgram::decode(*sections_, offset, compDirOf(unit), addressSize);
        it = programs_.emplace(key, std::move(decoded)).first;
    }
    return it->second ? &*it->second : nullptr;
}

std::optional<std::string> SourceLines::fileName(Dwarf_Die& unit, uint64_t index) const {
    if (const LineProgram* p = program(unit)) return p->fileName(index);
    Dwarf_Files* files = nullptr;
    size_t count = 0;
    if (dwarf_getsrcfiles(&unit, &files, &count) != 0) return std::nullopt;
    const char* path = dwarf_filesrc(files, index, nullptr, nullptr);
    return path ? std::optional<std::string>(path) : std::nullopt;
}

std::optional<SourceLocation> SourceLines::find(uint64_t linkAddress) const {
    if (!dwarf_) return std::nullopt;
    std::lock_guard lock(dwarf_->mutex);
    auto it = cache_.find(linkAddress);
    if (it == cache_.end()) it = cache_.emplace(linkAddress, lookUp(linkAddress)).first;
    return it->second;
}

void SourceLines::noteDamage(const char* section, const char* what) const {
    if (damage_) return;
    damage_ = std::string(section) + " is damaged (" + what +
              "): file:line and inline frames are missing where it is";
}

std::optional<std::string> SourceLines::damage() const {
    if (!dwarf_) return std::nullopt;
    std::lock_guard lock(dwarf_->mutex);
    return damage_;
}

// The unit whose code holds the address, from .debug_aranges, or from the units' own ranges
// when that table is missing or unreadable. An address no unit covers (assembly without DWARF)
// is no damage; one whose unit cannot be read is.
bool SourceLines::unitAt(uint64_t linkAddress, Dwarf_Die& unit) const {
    Dwarf* dwarf = dwarf_->dwarf;
    Dwarf_Aranges* aranges = nullptr;
    size_t count = 0;
    std::optional<uint64_t> offset;
    if (dwarf_getaranges(dwarf, &aranges, &count) == 0 && count > 0) {
        Dwarf_Arange* range = dwarf_getarange_addr(aranges, linkAddress);
        Dwarf_Off dieOffset = 0;
        if (!range) return false;
        if (dwarf_getarangeinfo(range, nullptr, nullptr, &dieOffset) == 0) offset = dieOffset;
    } else {
        if (!unitRanges_) unitRanges_ = UnitRanges::of(dwarf);
        offset = unitRanges_->unitAt(linkAddress);
        if (!offset) {
            if (unitRanges_->damage()) noteDamage(".debug_info", unitRanges_->damage()->c_str());
            return false;
        }
    }
    if (offset && dwarf_offdie(dwarf, *offset, &unit)) return true;
    noteDamage(".debug_info", dwarf_errmsg(-1));
    return false;
}

std::optional<SourceLocation> SourceLines::lookUp(uint64_t linkAddress) const {
    Dwarf_Die unit;
    if (!unitAt(linkAddress, unit)) return std::nullopt;
    std::optional<std::string> file;
    int line = 0;
    if (const LineProgram* p = program(unit)) {
        const LineProgram::Row* row = p->rowAt(linkAddress);
        if (!row) return std::nullopt;
        file = p->fileName(row->file);
        line = row->line;
    } else { // a program LineProgram does not read: libdw's rows
        Dwarf_Lines* lines = nullptr;
        size_t count = 0;
        Dwarf_Attribute attr;
        if (dwarf_attr(&unit, DW_AT_stmt_list, &attr) &&
            dwarf_getsrclines(&unit, &lines, &count) != 0) {
            noteDamage(".debug_line", dwarf_errmsg(-1));
            return std::nullopt;
        }
        Dwarf_Line* row = dwarf_getsrc_die(&unit, linkAddress);
        const char* name = row ? dwarf_linesrc(row, nullptr, nullptr) : nullptr;
        if (!name || dwarf_lineno(row, &line) != 0) return std::nullopt;
        file = name;
    }
    // Line 0 marks code the compiler attributes to no source line.
    if (!file || line <= 0) return std::nullopt;
    const char* compDir = compDirOf(unit);
    return SourceLocation{kernelSourcePath(*file, compDir ? compDir : ""), line};
}

std::vector<InlinedCall> SourceLines::inlineChain(uint64_t linkAddress) const {
    if (!dwarf_) return {};
    std::lock_guard lock(dwarf_->mutex);
    auto it = inlineCache_.find(linkAddress);
    if (it == inlineCache_.end())
        it = inlineCache_.emplace(linkAddress, lookUpInlineChain(linkAddress)).first;
    return it->second;
}

namespace {

// The DIEs that may hold code, and so inlined calls, below them.
bool isCodeScope(int tag) {
    return tag == DW_TAG_subprogram || tag == DW_TAG_lexical_block ||
           tag == DW_TAG_inlined_subroutine || tag == DW_TAG_try_block ||
           tag == DW_TAG_catch_block || tag == DW_TAG_with_stmt || tag == DW_TAG_entry_point ||
           tag == DW_TAG_module;
}

// The inlined_subroutine DIEs whose code contains `address`, innermost first: at each level the
// first child scope that contains it, as dwarf_getscopes' first walk finds it. (dwarf_getscopes
// then walks the abstract origin's whole unit again for scopes we do not use; that walk was
// most of the time `bt --json` spent on file:line.)
std::vector<Dwarf_Die> inlinedScopesAt(Dwarf_Die unit, uint64_t address) {
    std::vector<Dwarf_Die> inlined;
    Dwarf_Die scope = unit;
    for (bool deeper = true; deeper;) {
        deeper = false;
        Dwarf_Die child;
        if (dwarf_child(&scope, &child) != 0) break;
        do {
            const int tag = dwarf_tag(&child);
            if (!isCodeScope(tag) || dwarf_haspc(&child, address) <= 0) continue;
            if (tag == DW_TAG_inlined_subroutine) inlined.push_back(child);
            scope = child;
            deeper = true;
            break;
        } while (dwarf_siblingof(&child, &child) == 0);
    }
    std::reverse(inlined.begin(), inlined.end());
    return inlined;
}

} // namespace

std::vector<InlinedCall> SourceLines::lookUpInlineChain(uint64_t linkAddress) const {
    std::vector<InlinedCall> chain;
    Dwarf_Die unit;
    if (!unitAt(linkAddress, unit)) return chain;
    std::vector<Dwarf_Die> concrete = inlinedScopesAt(unit, linkAddress);
    if (concrete.empty()) return chain;
    Dwarf_Attribute attr;
    const char* compDir = compDirOf(unit);
    for (Dwarf_Die& scope : concrete) {
        InlinedCall call;
        // The name lives on the abstract instance the inlined copy points at.
        const char* name = dwarf_formstring(dwarf_attr_integrate(&scope, DW_AT_name, &attr));
        call.function = name ? name : "?";
        Dwarf_Word file = 0, line = 0;
        if (dwarf_formudata(dwarf_attr(&scope, DW_AT_call_file, &attr), &file) == 0 &&
            dwarf_formudata(dwarf_attr(&scope, DW_AT_call_line, &attr), &line) == 0 && line > 0)
            if (auto path = fileName(unit, file))
                call.callSite = SourceLocation{kernelSourcePath(*path, compDir ? compDir : ""),
                                               static_cast<int>(line)};
        chain.push_back(std::move(call));
    }
    return chain;
}

} // namespace panicscope::symbols
