// The kernel's ELF symbol table at link-time addresses. The kernel model adds the KASLR offset;
// this table never knows about it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace panicscope::symbols {

struct Symbol {
    // In a SymbolTable: a view into the table's own copy of the names, valid while any copy of
    // that table lives. Given to the constructor: any storage that lives until it returns.
    std::string_view name;
    uint64_t address = 0;    // link-time
    uint64_t size = 0;       // 0 when the ELF symbol has none (many asm labels)
    bool isFunction = false; // STT_FUNC, or a code label (NOTYPE in an executable section)
    // The end of its ELF section: a sizeless symbol reaches the next symbol but never past it
    // (__per_cpu_end ends .data..percpu, near 0: it must not take in every higher address).
    // kUnknownEnd when the section is unknown (a module's kallsyms).
    static constexpr uint64_t kUnknownEnd = UINT64_MAX;
    uint64_t sectionEnd = kUnknownEnd;
};

class SymbolTable {
  public:
    SymbolTable() = default;
    // Copies the names into one block the table owns (a kernel has ~120,000 symbols: one
    // allocation instead of one per name). Copies of the table share it.
    explicit SymbolTable(std::vector<Symbol> symbols);

    // The symbol an address falls in: the nearest symbol at or below it that contains it (its ELF
    // size), or, for a sizeless symbol, that is the last one before the address within the
    // symbol's section. nullptr if none.
    const Symbol* containing(uint64_t linkAddress) const;
    // Exact name lookup; for duplicate local names (static functions) the first in address order.
    const Symbol* byName(std::string_view name) const;
    // The distance from `symbol` to the next higher symbol address: the size kallsyms (and so the
    // kernel's "function+0x1a/0x30" traces) gives a function, padding included, but not past
    // the end of its section (nor short of its ELF size). The ELF size for the last symbol.
    uint64_t kallsymsSize(const Symbol& symbol) const;
    size_t size() const { return sorted_.size(); }
    // Every symbol, by address.
    const std::vector<Symbol>& all() const { return sorted_; }

    // The table as bytes for the index cache (util/index_cache.h), and back: nullopt for bytes
    // that are not a whole table of this format (names outside the name block, addresses out
    // of order). With `bytesOwner`, the names stay views into `bytes` (a mapped cache file) and
    // the table keeps the owner alive; without, they are copied.
    std::string encode() const;
    static std::optional<SymbolTable> decode(std::string_view bytes,
                                             std::shared_ptr<const void> bytesOwner = nullptr);

  private:
    void reindex();        // the name index and maxEnd_, from sorted_
    void computeMaxEnds(); // maxEnd_ alone (the name index came from the cache)

    std::string_view names_;                 // every name, back to back; sorted_ views it
    std::shared_ptr<const void> namesOwner_; // what holds names_ (a string or a mapped file)
    std::vector<Symbol> sorted_;             // by address, then larger size first
    static constexpr uint32_t kEmpty = UINT32_MAX;
    std::vector<uint32_t> byName_; // hash table of indices into sorted_ (see reindex)
    std::vector<uint64_t> maxEnd_; // [i]: the highest end of sorted_[0..i], bounds containing()
};

} // namespace panicscope::symbols
