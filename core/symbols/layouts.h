// Struct layouts from the kernel's debug info: the only place the kernel model learns where a
// field is. Nothing in panicscope hard-codes an offset for one kernel build.
#pragma once

#include "util/result.h"

#include <cstdint>
#include <string_view>

namespace panicscope::symbols {

struct Member {
    uint64_t offset = 0; // bytes from the start of the outer struct; for a bit-field, the byte
                         // that holds its least significant bit
    uint64_t size = 0;   // bytes of the member's type (for arrays: the whole array); 0 for a
                         // bit-field (not byte-addressable) and a flexible array member
};

class Layouts {
  public:
    virtual ~Layouts() = default;
    // `path` names a member, nested with dots ("thread_info.cpu", "signal"), looking through
    // anonymous structs and unions. Errc::NoType names the struct and the member when absent.
    virtual Result<Member> member(std::string_view structName, std::string_view path) const = 0;
    // sizeof(struct structName).
    virtual Result<uint64_t> sizeOf(std::string_view structName) const = 0;
    // The value of the enumerator `name` (NR_FREE_PAGES, PG_slab): counter arrays and flag bits
    // are indexed by them, and their numbering changes between kernels. Errc::NoType when absent.
    virtual Result<int64_t> enumerator(std::string_view name) const = 0;
};

} // namespace panicscope::symbols
