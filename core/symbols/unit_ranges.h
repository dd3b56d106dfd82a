// Which compilation unit holds a link address, from the units' own DW_AT_low_pc/high_pc and
// DW_AT_ranges: for DWARF whose .debug_aranges is missing (clang does not write it by default)
// or cannot be read (libdw reads the header of every unit .debug_aranges names, so one damaged
// unit header fails the whole table, and with it every file:line of the kernel).
#pragma once

#include <elfutils/libdw.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace panicscope::symbols {

class UnitRanges {
  public:
    // Reads every unit that can be read; callers hold the Dwarf's mutex.
    static UnitRanges of(Dwarf* dwarf);

    // The DIE offset of the unit whose code holds the address; nullopt when no readable unit does.
    std::optional<uint64_t> unitAt(uint64_t linkAddress) const;
    // Why some unit could not be read (the first reason), when one could not.
    const std::optional<std::string>& damage() const { return damage_; }

  private:
    struct Range {
        uint64_t start = 0, end = 0; // [start, end)
        uint64_t unit = 0;
    };
    std::vector<Range> ranges_; // sorted by start
    std::optional<std::string> damage_;
};

} // namespace panicscope::symbols
