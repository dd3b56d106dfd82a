// The symbol table: decoding its index-cache bytes (a damaged or foreign cache file), building
// one from symbols with any addresses, sizes and section ends, and the lookups bt and sym make.
//
// Input: u8 mode. Even: the rest is a cached table (SymbolTable::decode). Odd: records of u64
// address, u64 size, u64 section end, u8 flags (bit 0: function), u8 name length, the name; the
// table built from them is looked up, encoded, and must decode to the same symbols.
#include "symbols/symbol_table.h"

#include "fuzz_input.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using namespace panicscope;

namespace {

constexpr size_t kMaxSymbols = 4096;

void lookUp(const symbols::SymbolTable& table) {
    size_t n = 0;
    for (const auto& s : table.all()) {
        if (n++ == 512) break;
        for (uint64_t at : {s.address - 1, s.address, s.address + s.size, s.address + 1})
            if (const auto* found = table.containing(at)) (void)table.kallsymsSize(*found);
        (void)table.byName(s.name);
    }
    (void)table.containing(0), (void)table.containing(~uint64_t(0)), (void)table.byName("");
}

std::vector<symbols::Symbol> symbolsOf(fuzz::FuzzInput& in, std::vector<std::string>& names) {
    std::vector<symbols::Symbol> out;
    while (!in.empty() && out.size() < kMaxSymbols) {
        symbols::Symbol s;
        s.address = in.take<uint64_t>();
        s.size = in.take<uint64_t>();
        s.sectionEnd = in.take<uint64_t>();
        s.isFunction = in.take<uint8_t>() & 1;
        names.emplace_back(in.takeBytes(in.take<uint8_t>()));
        out.push_back(s);
    }
    for (size_t i = 0; i < out.size(); ++i)
        out[i].name = names[i]; // names no longer moves
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::FuzzInput in(data, size);
    if (in.take<uint8_t>() % 2 == 0) {
        if (auto table = symbols::SymbolTable::decode(in.rest())) lookUp(*table);
        return 0;
    }
    std::vector<std::string> names;
    names.reserve(kMaxSymbols);
    const symbols::SymbolTable table(symbolsOf(in, names));
    lookUp(table);
    const auto copy = symbols::SymbolTable::decode(table.encode());
    if (!copy || copy->size() != table.size()) std::abort(); // the cache must round-trip
    for (size_t i = 0; i < table.size(); ++i)
        if (copy->all()[i].name != table.all()[i].name ||
            copy->all()[i].address != table.all()[i].address)
            std::abort();
    return 0;
}
