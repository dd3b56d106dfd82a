// The vmlinux with debug info: ELF symbols, DWARF struct layouts and source lines, its banner and
// build ID (to check it belongs to the dump). Opened once per session; lookups are lazy and cached.
#pragma once

#include "dump/memory.h"
#include "dump/vmcoreinfo.h"
#include "symbols/cfi_row.h"
#include "symbols/layouts.h"
#include "symbols/symbol_table.h"
#include "util/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace panicscope::symbols {

class BtfTypes;
struct DwarfHandle;

struct SourceLocation {
    std::string file; // as recorded in DWARF, e.g. "./arch/x86/kernel/cpu/mshyperv.c" normalised
    int line = 0;
};

// A function the compiler inlined: its name and where its caller called it.
struct InlinedCall {
    std::string function;
    std::optional<SourceLocation> callSite;
};

class Vmlinux {
  public:
    // Errc::Io when the file cannot be read, Errc::VmlinuxMissing (message naming the file) when it
    // is no x86-64 ELF kernel with a symbol table.
    // With `warmSourceLines`, a second thread also indexes the DWARF address ranges right away
    // (file:line and inline frames answer sooner); a caller that prints no source lines saves
    // that work.
    static Result<std::unique_ptr<Vmlinux>> open(const std::string& path,
                                                 bool warmSourceLines = true);
    // The kernel image in a dump's memory, for a dump without its vmlinux: symbols from kallsyms
    // (symbols/kallsyms.h), struct layouts from the BTF between __start_BTF and __stop_BTF, the
    // sections readFileBytes() gives read from memory; no DWARF. `memory` must outlive the
    // result; path() is `name`. Errc::Unsupported naming what the dump lacks (kallsyms in
    // VMCOREINFO before 6.0, BTF) and that --vmlinux provides it.
    static Result<std::unique_ptr<Vmlinux>> fromDumpMemory(const dump::Memory& memory,
                                                           const dump::Vmcoreinfo& vmcoreinfo,
                                                           const std::string& name);
    ~Vmlinux();
    Vmlinux(const Vmlinux&) = delete;
    Vmlinux& operator=(const Vmlinux&) = delete;

    const std::string& path() const;
    const SymbolTable& symbols() const;
    // DWARF-backed struct layouts (Errc::NoType when the vmlinux has no debug info).
    const Layouts& layouts() const;
    // What the type graph (types/type_graph.h) reads: the parsed .BTF (nullptr when there is
    // none or it is no BTF this reader knows) and the DWARF (nullptr without debug info).
    const BtfTypes* btf() const;
    DwarfHandle* dwarf() const;
    // The `linux_banner` string as stored in the file ("Linux version 6.1.0-56-cloud-amd64 ...").
    const std::string& banner() const;
    // The release from the banner ("6.1.0-56-cloud-amd64").
    const std::string& release() const;
    // NT_GNU_BUILD_ID as lower-case hex, empty if the file has none.
    const std::string& buildId() const;
    // Whether this is the kernel image in a dump's memory (fromDumpMemory), not a file: its code
    // is as the kernel patched it at boot, and what only lived in init memory is gone.
    bool isDumpMemory() const;
    // Whether the file has DWARF (false for a stripped image: no file:line, inlines or CFI).
    bool hasDwarf() const;
    // file:line for a link-time address, from .debug_line; nullopt if none.
    std::optional<SourceLocation> sourceLocation(uint64_t linkAddress) const;
    // Bytes of a link-time address range from the file's sections (from memory: isDumpMemory())
    // (nullopt when not in a PROGBITS section): a view into the mapped file, valid as long as this
    // Vmlinux (no copy: the entry-call table reads the whole kernel text).
    std::optional<std::string_view> readFileBytes(uint64_t linkAddress, size_t length) const;
    // The functions inlined at a link-time address, innermost first (see source_lines.h).
    std::vector<InlinedCall> inlineChain(uint64_t linkAddress) const;
    // "PATH: .debug_line is damaged (...): ..." once a lookup met damaged DWARF; else nullopt.
    std::optional<std::string> debugInfoDamage() const;
    // The DWARF CFI row at a link-time address (see call_frame_info.h).
    std::optional<CfiRow> callFrameRow(uint64_t linkAddress) const;

  private:
    struct Impl;
    explicit Vmlinux(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Where a vmlinux for `release` usually lives, in search order: each of `debugDirs` (the file
// itself "DIR/vmlinux-RELEASE", "DIR/vmlinux", "DIR/boot/vmlinux-RELEASE",
// "DIR/lib/modules/RELEASE/vmlinux"), then /usr/lib/debug/boot/vmlinux-RELEASE,
// /usr/lib/debug/lib/modules/RELEASE/vmlinux, /boot/vmlinux-RELEASE,
// /lib/modules/RELEASE/build/vmlinux.
std::vector<std::string> vmlinuxCandidates(const std::string& release,
                                           const std::vector<std::string>& debugDirs);

} // namespace panicscope::symbols
