// Kernel virtual to physical addresses through the dump's own page tables (libkdumpfile's
// addrxlat), for ELF dumps whose PT_LOADs carry virtual addresses.
//
// Why: QEMU's `dump-guest-memory -p` (and /proc/vmcore) write each PT_LOAD with its virtual
// address. libkdumpfile 0.5.1 then serves a kernel-virtual read straight from "the closest"
// PT_LOAD by virtual address, from a list it sorts by physical address (its seg_virt_cmp
// compares p_paddr), and zero-fills what it misses: on a paging dump module memory read as
// zeros, so the module list ended at 0. Reading the physical address the page tables give
// sidesteps that list; it is what libkdumpfile does for every other dump.
#pragma once

#include "util/result.h"

#include <cstdint>

struct _kdump_ctx;
struct _addrxlat_ctx;
struct _addrxlat_sys;

namespace panicscope::dump {

class PageTableTranslation {
  public:
    // Takes references on the context's translation objects; the dump context outlives this.
    static Result<PageTableTranslation> create(_kdump_ctx* ctx);
    ~PageTableTranslation();
    PageTableTranslation(PageTableTranslation&& other) noexcept;
    PageTableTranslation& operator=(PageTableTranslation&&) = delete;
    PageTableTranslation(const PageTableTranslation&) = delete;

    // Errc::BadAddress with addrxlat's reason when the page tables map no page there.
    // Not thread-safe: the caller serialises, as for every libkdumpfile call.
    Result<uint64_t> toPhysical(uint64_t virtualAddress) const;

  private:
    PageTableTranslation(_addrxlat_ctx* ctx, _addrxlat_sys* sys) : ctx_(ctx), sys_(sys) {}
    _addrxlat_ctx* ctx_ = nullptr;
    _addrxlat_sys* sys_ = nullptr;
};

} // namespace panicscope::dump
