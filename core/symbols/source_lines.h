// file:line and inline chains for link-time addresses from .debug_line (LineProgram, libdw for
// what it leaves) and the DWARF scopes, read per compilation unit on first use and cached per
// address (a session asks about the same few hundred return addresses again and again).
#pragma once

#include "symbols/dwarf_handle.h"
#include "symbols/line_program.h"
#include "symbols/unit_ranges.h"
#include "symbols/vmlinux.h"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace panicscope::symbols {

class SourceLines {
  public:
    explicit SourceLines(DwarfHandle* dwarf) : dwarf_(dwarf) {} // null: no debug info
    std::optional<SourceLocation> find(uint64_t linkAddress) const;
    // The functions inlined at an address, innermost first, each with the file:line it was
    // inlined at (in the next outer function). Empty when nothing is inlined there.
    std::vector<InlinedCall> inlineChain(uint64_t linkAddress) const;
    // The first damage to .debug_line or .debug_info a lookup met ("SECTION is damaged: ..."),
    // said once: file:line and inline frames are missing where it is.
    std::optional<std::string> damage() const;

  private:
    std::optional<SourceLocation> lookUp(uint64_t linkAddress) const;
    std::vector<InlinedCall> lookUpInlineChain(uint64_t linkAddress) const;
    // A unit's line program (decoded on first use); null when LineProgram leaves it to libdw.
    const LineProgram* program(Dwarf_Die& unit) const;
    // Records why a lookup of an address the DWARF covers found nothing (first one only).
    void noteDamage(const char* section, const char* what) const;
    bool unitAt(uint64_t linkAddress, Dwarf_Die& unit) const;
    // A unit's file name by index (DW_AT_call_file), from its program or else libdw.
    std::optional<std::string> fileName(Dwarf_Die& unit, uint64_t index) const;

    DwarfHandle* dwarf_;
    // Both under the DwarfHandle's mutex. Each lookup reads the unit's top-level DIEs and its
    // line table: `bt --all --json` on thousands of tasks asks about the same addresses.
    mutable std::unordered_map<uint64_t, std::optional<SourceLocation>> cache_;
    mutable std::unordered_map<uint64_t, std::vector<InlinedCall>> inlineCache_;
    mutable std::optional<LineSections> sections_;                              // on first use
    mutable std::unordered_map<uint64_t, std::optional<LineProgram>> programs_; // by unit DIE
    mutable std::optional<UnitRanges> unitRanges_; // without a usable .debug_aranges
    mutable std::optional<std::string> damage_;
};

} // namespace panicscope::symbols
