// One ELF file opened read-only through libelf: its sections, symbols and build ID. The file stays
// mapped while the object lives, so section bytes are views into the mapping, never copies.
#pragma once

#include "symbols/symbol_table.h"
#include "util/result.h"

#include <gelf.h>
#include <libelf.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace panicscope::symbols {

struct ElfSection {
    std::string_view name; // from the section header string table
    uint64_t address = 0;
    uint64_t size = 0;
    bool allocated = false;  // SHF_ALLOC: part of the loaded image
    bool executable = false; // SHF_EXECINSTR
    std::string_view bytes;  // the contents of a SHT_PROGBITS section, else empty
};

class ElfFile {
  public:
    // Errc::Io when the file cannot be opened or mapped. Any readable file opens; callers check
    // what kind of ELF it is (isElf64(), header()).
    static Result<ElfFile> open(const std::string& path);
    ElfFile(ElfFile&&) noexcept = default;
    ElfFile& operator=(ElfFile&&) noexcept = default;

    Elf* elf() const { return elf_.get(); }
    bool isElf64() const;
    const GElf_Ehdr& header() const { return header_; }
    bool hasSymbolTable() const { return symtab_ != nullptr; }
    // The defined symbols of .symtab that name an address: no section/file symbols, nothing
    // undefined or absolute (assembler constants), nothing at address 0. Their names view the
    // file's mapped string table (valid while this ElfFile lives; SymbolTable copies them).
    std::vector<Symbol> symbols() const;
    // NT_GNU_BUILD_ID as lower-case hex, empty if none.
    std::string buildId() const;
    // The bytes of an allocated SHT_PROGBITS section from `address` to the section's end.
    std::optional<std::string_view> bytesFrom(uint64_t address) const;
    // The bytes of the allocated SHT_PROGBITS section `name` (".BTF"); nullopt when none.
    std::optional<std::string_view> sectionBytes(std::string_view name) const;

  private:
    class UniqueFd {
      public:
        explicit UniqueFd(int fd = -1) : fd_(fd) {}
        UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
        UniqueFd& operator=(UniqueFd&& other) noexcept;
        ~UniqueFd();
        int get() const { return fd_; }
        int release() { return std::exchange(fd_, -1); }

      private:
        int fd_;
    };
    struct ElfEnder {
        void operator()(Elf* elf) const { elf_end(elf); }
    };
    ElfFile() = default;
    void readSections();

    // Declared in this order so the Elf handle ends before its descriptor closes.
    UniqueFd fd_;
    std::unique_ptr<Elf, ElfEnder> elf_;
    GElf_Ehdr header_{};
    std::vector<ElfSection> sections_; // by section index
    Elf_Scn* symtab_ = nullptr;
    Elf_Scn* symtabIndices_ = nullptr; // SHT_SYMTAB_SHNDX, for files with >= 0xff00 sections
    std::vector<Elf_Scn*> notes_;
};

} // namespace panicscope::symbols
