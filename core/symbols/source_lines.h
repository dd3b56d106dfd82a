// file:line for link-time addresses from .debug_line, read per compilation unit on first use and
// cached per address (a session asks about the same few hundred return addresses again and again).
#pragma once

#include "symbols/dwarf_handle.h"
#include "symbols/vmlinux.h"

#include <cstdint>
#include <optional>
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

  private:
    std::optional<SourceLocation> lookUp(uint64_t linkAddress) const;

    DwarfHandle* dwarf_;
    mutable std::unordered_map<uint64_t, std::optional<SourceLocation>> cache_; // under the mutex
};

} // namespace panicscope::symbols
