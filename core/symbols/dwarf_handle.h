// The vmlinux's DWARF through libdw (or a .ko's, borrowed from libdwfl), shared by the layout and
// source-line lookups. libdw fills its caches lazily and is not thread-safe, so every use of
// `dwarf` holds `mutex`.
#pragma once

#include "util/index_cache.h"

#include <elfutils/libdw.h>

#include <memory>
#include <mutex>

namespace panicscope::symbols {

struct DwarfHandle {
    // nullptr when the ELF file has no DWARF (a stripped or BTF-only kernel).
    static std::unique_ptr<DwarfHandle> open(Elf* elf) {
        Dwarf* dwarf = dwarf_begin_elf(elf, DWARF_C_READ, nullptr);
        if (!dwarf) return nullptr;
        return std::unique_ptr<DwarfHandle>(new DwarfHandle(dwarf, true));
    }
    // A Dwarf that stays its owner's (libdwfl's, for a .ko): only the mutex is the handle's.
    static std::unique_ptr<DwarfHandle> borrow(Dwarf* dwarf) {
        return std::unique_ptr<DwarfHandle>(new DwarfHandle(dwarf, false));
    }
    ~DwarfHandle() {
        if (owned_) dwarf_end(dwarf);
    }
    DwarfHandle(const DwarfHandle&) = delete;
    DwarfHandle& operator=(const DwarfHandle&) = delete;

    Dwarf* const dwarf;
    std::mutex mutex;
    // Where indexes built from this DWARF are kept between runs (DwarfTypeIndex): the vmlinux's
    // index cache; disabled for a module's.
    IndexCache cache;

  private:
    DwarfHandle(Dwarf* d, bool owned) : dwarf(d), owned_(owned) {}
    const bool owned_;
};

} // namespace panicscope::symbols
