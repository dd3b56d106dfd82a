#include "symbols/symbol_table.h"

#include <algorithm>

namespace panicscope::symbols {

namespace {

bool contains(const Symbol& s, uint64_t address) {
    return s.size != 0 && address >= s.address && address - s.address < s.size;
}

} // namespace

SymbolTable::SymbolTable(std::vector<Symbol> symbols) : sorted_(std::move(symbols)) {
    // Stable, so aliases of one address and size keep the order of the ELF symbol table.
    std::stable_sort(sorted_.begin(), sorted_.end(), [](const Symbol& a, const Symbol& b) {
        if (a.address != b.address) return a.address < b.address;
        return a.size > b.size;
    });
    reindex();
}

SymbolTable::SymbolTable(const SymbolTable& other) : sorted_(other.sorted_) {
    reindex();
}

SymbolTable& SymbolTable::operator=(const SymbolTable& other) {
    if (this != &other) {
        sorted_ = other.sorted_;
        reindex();
    }
    return *this;
}

// The name keys view the strings in sorted_, so every copy needs its own map.
void SymbolTable::reindex() {
    byName_.clear();
    byName_.reserve(sorted_.size());
    maxEnd_.resize(sorted_.size());
    uint64_t maxEnd = 0;
    for (size_t i = 0; i < sorted_.size(); ++i) {
        byName_.emplace(sorted_[i].name, i); // keeps the first, i.e. the lowest address
        const Symbol& s = sorted_[i];
        // Saturating: a bogus size must not wrap around and hide the symbol.
        const uint64_t end = s.size > UINT64_MAX - s.address ? UINT64_MAX : s.address + s.size;
        maxEnd = std::max(maxEnd, end);
        maxEnd_[i] = maxEnd;
    }
}

const Symbol* SymbolTable::containing(uint64_t linkAddress) const {
    auto upper = std::upper_bound(sorted_.begin(), sorted_.end(), linkAddress,
                                  [](uint64_t a, const Symbol& s) { return a < s.address; });
    if (upper == sorted_.begin()) return nullptr;
    size_t last = static_cast<size_t>(upper - sorted_.begin()) - 1;

    // The nearest address at or below: the smallest sized symbol there that contains the
    // address wins, else a sizeless one there (an asm label "ends" where the next symbol starts).
    const uint64_t nearest = sorted_[last].address;
    size_t first = last;
    while (first > 0 && sorted_[first - 1].address == nearest)
        --first;
    const Symbol* sized = nullptr;
    const Symbol* sizeless = nullptr;
    for (size_t i = first; i <= last; ++i) {
        const Symbol& s = sorted_[i];
        if (contains(s, linkAddress) && (!sized || s.size < sized->size)) sized = &s;
        // ... but the last symbol of all ends nowhere: only its own address is in it.
        if (s.size == 0 && !sizeless && (upper != sorted_.end() || linkAddress == s.address))
            sizeless = &s;
    }
    if (sized) return sized;
    if (sizeless) return sizeless;

    // Only sized symbols there and none reaches the address: an enclosing, larger symbol
    // further down may (nested symbols). maxEnd_ bounds the walk.
    for (size_t i = first; i-- > 0;) {
        if (maxEnd_[i] <= linkAddress) break;
        if (contains(sorted_[i], linkAddress)) return &sorted_[i];
    }
    return nullptr;
}

const Symbol* SymbolTable::byName(std::string_view name) const {
    auto it = byName_.find(name);
    return it == byName_.end() ? nullptr : &sorted_[it->second];
}

uint64_t SymbolTable::kallsymsSize(const Symbol& symbol) const {
    auto next = std::upper_bound(sorted_.begin(), sorted_.end(), symbol.address,
                                 [](uint64_t a, const Symbol& s) { return a < s.address; });
    return next == sorted_.end() ? symbol.size : next->address - symbol.address;
}

} // namespace panicscope::symbols
