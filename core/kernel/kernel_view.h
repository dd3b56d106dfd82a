// The dump's memory seen through the vmlinux: runtime symbol addresses (link address + KASLR
// offset) and typed field reads by struct layout. Every part of the kernel model reads through it.
#pragma once

#include "dump/memory.h"
#include "symbols/layouts.h"
#include "symbols/symbol_table.h"
#include "util/result.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace panicscope::kernel {

class KernelView {
  public:
    KernelView(const dump::Memory& memory, const symbols::SymbolTable& symbols,
               const symbols::Layouts& layouts, uint64_t kaslrOffset)
        : memory_(memory), symbols_(symbols), layouts_(layouts), kaslrOffset_(kaslrOffset) {}

    const dump::Memory& memory() const { return memory_; }
    const symbols::SymbolTable& symbols() const { return symbols_; }
    const symbols::Layouts& layouts() const { return layouts_; }
    uint64_t kaslrOffset() const { return kaslrOffset_; }

    // Runtime address of a global symbol (Errc::NoSymbol if the vmlinux lacks it).
    Result<uint64_t> address(std::string_view symbol) const;
    // The symbol containing a runtime address, or nullptr.
    const symbols::Symbol* symbolAt(uint64_t runtimeAddress) const;
    Result<symbols::Member> member(std::string_view structName, std::string_view path) const {
        return layouts_.member(structName, path);
    }
    // Stores a member's offset (and size) into `offset` (and `size`): for resolving a struct's
    // fields into a table of offsets once, failing with the first missing one.
    Result<void> memberOffset(std::string_view structName, std::string_view path, uint64_t& offset,
                              uint64_t* size = nullptr) const;

    // Reads the member `path` of the `structName` at `object` as an unsigned integer of the
    // member's own size (1, 2, 4 or 8 bytes).
    Result<uint64_t> readField(uint64_t object, std::string_view structName,
                               std::string_view path) const;
    // Reads a char array member as a NUL-terminated string (e.g. task_struct.comm).
    Result<std::string> readStringField(uint64_t object, std::string_view structName,
                                        std::string_view path) const;
    // Reads the global `symbol` as an unsigned integer of `size` bytes.
    Result<uint64_t> readGlobal(std::string_view symbol, size_t size = 8) const;
    // Reads an unsigned integer of `size` bytes (1, 2, 4 or 8: a field's own size).
    Result<uint64_t> readUnsigned(uint64_t address, uint64_t size) const;

  private:
    const dump::Memory& memory_;
    const symbols::SymbolTable& symbols_;
    const symbols::Layouts& layouts_;
    uint64_t kaslrOffset_;
};

} // namespace panicscope::kernel
