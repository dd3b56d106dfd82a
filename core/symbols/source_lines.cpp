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

std::vector<InlinedCall> SourceLines::inlineChain(uint64_t linkAddress) const {
    if (!dwarf_) return {};
    std::lock_guard lock(dwarf_->mutex);
    auto it = inlineCache_.find(linkAddress);
    if (it == inlineCache_.end())
        it = inlineCache_.emplace(linkAddress, lookUpInlineChain(linkAddress)).first;
    return it->second;
}

std::vector<InlinedCall> SourceLines::lookUpInlineChain(uint64_t linkAddress) const {
    std::vector<InlinedCall> chain;
    Dwarf_Die unit;
    if (!dwarf_addrdie(dwarf_->dwarf, linkAddress, &unit)) return chain;
    // dwarf_getscopes finds the innermost inlined instance at the address, but past it lists the
    // scopes of that function's abstract definition, not the code it was inlined into. The
    // concrete callers are that instance's parents: dwarf_getscopes_die (as eu-addr2line -i).
    Dwarf_Die* scopes = nullptr;
    const int count = dwarf_getscopes(&unit, linkAddress, &scopes);
    Dwarf_Die* concrete = nullptr;
    int concreteCount = 0;
    for (int i = 0; i < count; ++i)
        if (dwarf_tag(&scopes[i]) == DW_TAG_inlined_subroutine) {
            concreteCount = dwarf_getscopes_die(&scopes[i], &concrete);
            break;
        }
    free(scopes); // the arrays are the caller's to free
    Dwarf_Files* files = nullptr;
    size_t fileCount = 0;
    dwarf_getsrcfiles(&unit, &files, &fileCount);
    Dwarf_Attribute attr;
    const char* compDir = dwarf_formstring(dwarf_attr(&unit, DW_AT_comp_dir, &attr));
    for (int i = 0; i < concreteCount; ++i) {
        Dwarf_Die* scope = &concrete[i];
        if (dwarf_tag(scope) != DW_TAG_inlined_subroutine) continue;
        InlinedCall call;
        // The name lives on the abstract instance the inlined copy points at.
        const char* name = dwarf_formstring(dwarf_attr_integrate(scope, DW_AT_name, &attr));
        call.function = name ? name : "?";
        Dwarf_Word file = 0, line = 0;
        if (files && dwarf_formudata(dwarf_attr(scope, DW_AT_call_file, &attr), &file) == 0 &&
            dwarf_formudata(dwarf_attr(scope, DW_AT_call_line, &attr), &line) == 0 && line > 0)
            if (const char* path = dwarf_filesrc(files, file, nullptr, nullptr))
                call.callSite = SourceLocation{kernelSourcePath(path, compDir ? compDir : ""),
                                               static_cast<int>(line)};
        chain.push_back(std::move(call));
    }
    free(concrete);
    return chain;
}

} // namespace panicscope::symbols
