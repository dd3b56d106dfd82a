#include "symbols/symbol_table.h"

#include <algorithm>

namespace panicscope::symbols {

namespace {

// FNV-1a: the same in every build, so the name index can be kept in the index cache and used
// as it is (std::hash may differ between builds of the standard library).
size_t nameHash(std::string_view name) {
    uint64_t h = 0xcbf29ce484222325;
    for (unsigned char c : name)
        h = (h ^ c) * 0x100000001b3;
    return static_cast<size_t>(h);
}

bool contains(const Symbol& s, uint64_t address) {
    return s.size != 0 && address >= s.address && address - s.address < s.size;
}

// Whether a sizeless symbol, the nearest one at or below `address`, reaches it: up to the end of
// its section; with the section unknown, up to the next symbol -- but the last symbol of all
// ends nowhere, so only its own address is in it.
bool sizelessReaches(const Symbol& s, uint64_t address, bool isLast) {
    if (address == s.address) return true;
    if (s.sectionEnd != Symbol::kUnknownEnd) return address < s.sectionEnd;
    return !isLast;
}

// Indices of `symbols` by address, then larger size first, then index. A stable LSD radix sort
// of (address, index) keys in 16-bit digits, twice as fast as a comparison sort on a kernel's
// ~120,000 symbols; then the few runs of one address are ordered by size.
std::vector<uint32_t> addressOrder(const std::vector<Symbol>& symbols) {
    struct Key {
        uint64_t address;
        uint32_t index;
    };
    const size_t n = symbols.size();
    std::vector<Key> keys(n), scratch(n);
    for (uint32_t i = 0; i < n; ++i)
        keys[i] = {symbols[i].address, i};
    constexpr unsigned kBits = 16;
    constexpr size_t kBuckets = size_t(1) << kBits;
    std::vector<uint32_t> start(kBuckets + 1);
    for (unsigned shift = 0; shift < 64; shift += kBits) {
        auto digit = [shift](const Key& k) { return (k.address >> shift) & (kBuckets - 1); };
        std::fill(start.begin(), start.end(), 0);
        for (const Key& k : keys)
            ++start[digit(k) + 1];
        if (n == 0 || start[digit(keys[0]) + 1] == n) continue; // one digit everywhere
        for (size_t b = 1; b <= kBuckets; ++b)
            start[b] += start[b - 1];
        for (const Key& k : keys)
            scratch[start[digit(k)]++] = k;
        keys.swap(scratch);
    }
    std::vector<uint32_t> order(n);
    for (size_t i = 0; i < n; ++i)
        order[i] = keys[i].index;
    for (size_t first = 0; first < n;) {
        size_t last = first + 1;
        while (last < n && keys[last].address == keys[first].address)
            ++last;
        if (last - first > 1)
            std::stable_sort(
                order.begin() + first, order.begin() + last,
                [&](uint32_t a, uint32_t b) { return symbols[a].size > symbols[b].size; });
        first = last;
    }
    return order;
}

} // namespace

SymbolTable::SymbolTable(std::vector<Symbol> symbols) {
    // By address, then larger size first; aliases of one address and size keep the order of the
    // ELF symbol table.
    const std::vector<uint32_t> order = addressOrder(symbols);
    size_t nameBytes = 0;
    for (const Symbol& s : symbols)
        nameBytes += s.name.size();
    auto names = std::make_shared<std::string>(nameBytes, '\0');
    sorted_.reserve(symbols.size());
    char* at = names->data();
    for (uint32_t i : order) {
        Symbol s = symbols[i];
        std::copy(s.name.begin(), s.name.end(), at);
        s.name = std::string_view(at, s.name.size());
        at += s.name.size();
        sorted_.push_back(s);
    }
    names_ = *names;
    namesOwner_ = std::move(names);
    reindex();
}

// Open addressing over indices into sorted_ (kEmpty: free): one allocation instead of a node per
// symbol, which made building the index the slowest part of opening a vmlinux.
void SymbolTable::reindex() {
    size_t slots = 16;
    while (slots < sorted_.size() * 2)
        slots *= 2;
    byName_.assign(slots, kEmpty);
    for (size_t i = 0; i < sorted_.size(); ++i) {
        // Keeps the first of equal names, i.e. the lowest address.
        for (size_t slot = nameHash(sorted_[i].name) & (slots - 1);;
             slot = (slot + 1) & (slots - 1)) {
            if (byName_[slot] == kEmpty) {
                byName_[slot] = static_cast<uint32_t>(i);
                break;
            }
            if (sorted_[byName_[slot]].name == sorted_[i].name) break;
        }
    }
    computeMaxEnds();
}

void SymbolTable::computeMaxEnds() {
    maxEnd_.resize(sorted_.size());
    uint64_t maxEnd = 0;
    for (size_t i = 0; i < sorted_.size(); ++i) {
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
        if (s.size == 0 && !sizeless && sizelessReaches(s, linkAddress, upper == sorted_.end()))
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
    if (byName_.empty()) return nullptr;
    const size_t mask = byName_.size() - 1;
    for (size_t slot = nameHash(name) & mask; byName_[slot] != kEmpty; slot = (slot + 1) & mask)
        if (sorted_[byName_[slot]].name == name) return &sorted_[byName_[slot]];
    return nullptr;
}

uint64_t SymbolTable::kallsymsSize(const Symbol& symbol) const {
    auto next = std::upper_bound(sorted_.begin(), sorted_.end(), symbol.address,
                                 [](uint64_t a, const Symbol& s) { return a < s.address; });
    if (next == sorted_.end()) return symbol.size;
    // Not past the end of its section (the next symbol may be in another one, far away).
    const uint64_t toNext = next->address - symbol.address;
    if (symbol.sectionEnd == Symbol::kUnknownEnd || symbol.sectionEnd < symbol.address)
        return toNext;
    return std::max(symbol.size, std::min(toNext, symbol.sectionEnd - symbol.address));
}

} // namespace panicscope::symbols
