#include "symbols/source_lines.h"

#include "symbols/source_path.h"

#include <dwarf.h>

namespace panicscope::symbols {

std::optional<SourceLocation> SourceLines::find(uint64_t linkAddress) const {
    if (!dwarf_) return std::nullopt;
    std::lock_guard lock(dwarf_->mutex);
    auto it = cache_.find(linkAddress);
    if (it == cache_.end()) it = cache_.emplace(linkAddress, lookUp(linkAddress)).first;
    return it->second;
}

std::optional<SourceLocation> SourceLines::lookUp(uint64_t linkAddress) const {
    Dwarf_Die unit;
    if (!dwarf_addrdie(dwarf_->dwarf, linkAddress, &unit)) return std::nullopt;
    Dwarf_Line* row = dwarf_getsrc_die(&unit, linkAddress);
    int line = 0;
    const char* file = row ? dwarf_linesrc(row, nullptr, nullptr) : nullptr;
    // Line 0 marks code the compiler attributes to no source line.
    if (!file || dwarf_lineno(row, &line) != 0 || line <= 0) return std::nullopt;
    Dwarf_Attribute attr;
    const char* compDir = dwarf_formstring(dwarf_attr(&unit, DW_AT_comp_dir, &attr));
    return SourceLocation{kernelSourcePath(file, compDir ? compDir : ""), line};
}

} // namespace panicscope::symbols
