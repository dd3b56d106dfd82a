// A loaded module's .ko file with debug info, for file:line and inline frames of module frames.
// A .ko is a relocatable object (ET_REL): its DWARF means nothing until its relocations are
// applied, which libdwfl does (libdw alone does not). Lookups go by function name and offset, the
// way the dump's kallsyms name a module frame, so the module's load layout never matters; the
// answers come from source_lines.h, as for the vmlinux, and are cached per address.
#pragma once

#include "symbols/symbol_table.h"
#include "symbols/vmlinux.h"
#include "util/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace panicscope::symbols {

class ModuleDebugInfo {
  public:
    // Errc::Io when the file cannot be read or is no ELF relocatable object (.ko),
    // Errc::NoType when it has no DWARF (a stripped .ko, as distributions install them).
    static Result<std::unique_ptr<ModuleDebugInfo>> open(const std::string& path);
    ~ModuleDebugInfo();
    ModuleDebugInfo(const ModuleDebugInfo&) = delete;
    ModuleDebugInfo& operator=(const ModuleDebugInfo&) = delete;

    const std::string& path() const;
    // .modinfo's "name=" (modpost writes it since Linux 5.3); empty when the file has none.
    const std::string& modinfoName() const;
    // The `name` field of the struct module in .gnu.linkonce.this_module, `nameOffset` bytes
    // into it (the dump's layout of struct module); empty when the section has no such bytes.
    std::string thisModuleName(uint64_t nameOffset) const;
    // The release .modinfo's "vermagic=" names (its first word); empty when there is none.
    const std::string& vermagicRelease() const;
    // The ELF sizes of the function symbols called `name` (several for duplicate static names).
    std::vector<uint64_t> functionSizes(std::string_view name) const;

    // file:line at `offset` bytes into the function `function` (a return address's offset - 1,
    // as for the vmlinux); nullopt when the function is not in the file, its name is ambiguous,
    // the offset lies beyond it or the line table has nothing there.
    std::optional<SourceLocation> sourceLocation(std::string_view function, uint64_t offset) const;
    // The functions inlined there, innermost first (see source_lines.h).
    std::vector<InlinedCall> inlineChain(std::string_view function, uint64_t offset) const;

  private:
    struct Impl;
    explicit ModuleDebugInfo(std::unique_ptr<Impl> impl);
    // The DWARF address of `offset` bytes into `function`, if it is one unambiguous place.
    std::optional<uint64_t> dwarfAddress(std::string_view function, uint64_t offset) const;
    std::unique_ptr<Impl> impl_;
};

// Why `file` is not the build of the loaded module `name` of a `release` kernel, or nullopt when
// it is. Compared: the module name (.modinfo, else struct module's name at `nameOffset` in
// .gnu.linkonce.this_module), the vermagic release, and the ELF size of every function symbol the
// dump's kallsyms give (`loaded`: a different build of the source almost always changes one).
// The answer is a parenthesis for a warning: "psc_write is 0x117 bytes in the dump, 0x13f in the
// file".
std::optional<std::string> moduleBuildMismatch(const ModuleDebugInfo& file, std::string_view name,
                                               uint64_t nameOffset, std::string_view release,
                                               const SymbolTable& loaded);

// A module name as the kernel spells it: '-' in a file name is '_' in the loaded module.
std::string canonicalModuleName(std::string_view name);

// The plain .ko files below `dirs` (each searched recursively, in order) by canonical module
// name; the first file found for a name wins. A directory that cannot be searched adds a line to
// `warnings`.
std::unordered_map<std::string, std::string> findModuleFiles(const std::vector<std::string>& dirs,
                                                             std::vector<std::string>& warnings);

} // namespace panicscope::symbols
