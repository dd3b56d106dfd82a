// The kernel image as the dump's memory holds it, read at link-time addresses: what stands in for
// the vmlinux file's sections when there is no vmlinux (ORC tables, BTF, entry text). Ranges are
// read on first use and kept, so the views handed out stay valid while this object lives, as the
// mapped file's do.
#pragma once

#include "dump/memory.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace panicscope::symbols {

class MemoryImage {
  public:
    // `slide`: runtime minus link-time address (the KASLR offset). `memory` must outlive this.
    MemoryImage(const dump::Memory& memory, uint64_t slide) : memory_(memory), slide_(slide) {}

    // `length` bytes from a link-time address; nullopt when the dump lacks a page of them or the
    // range is over 256 MiB (no part of a kernel image is).
    std::optional<std::string_view> read(uint64_t linkAddress, size_t length) const;

  private:
    const dump::Memory& memory_;
    uint64_t slide_;
    mutable std::mutex mutex_;
    // By link-time start; a string is never changed once in (its views stay valid).
    mutable std::multimap<uint64_t, std::string> ranges_;
};

} // namespace panicscope::symbols
