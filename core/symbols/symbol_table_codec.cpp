// The symbol table's bytes in the index cache: the name block, then each symbol by address. The
// name index is rebuilt on load (it hashes with this binary's std::hash, and a damaged index
// could make lookups endless); the sort and the ELF reading it spares are the costly part.
#include "symbols/symbol_table.h"

#include "util/byte_codec.h"

namespace panicscope::symbols {

namespace {
constexpr uint32_t kFormat = 2; // 2: each symbol's section end
constexpr uint64_t kMaxNames = 256u << 20;
constexpr uint32_t kMaxSymbols = 16u << 20;
} // namespace

std::string SymbolTable::encode() const {
    ByteWriter w;
    w.put<uint32_t>(kFormat);
    w.putString(names_);
    w.put<uint32_t>(static_cast<uint32_t>(sorted_.size()));
    for (const Symbol& s : sorted_) {
        w.put<uint64_t>(static_cast<uint64_t>(s.name.data() - names_.data()));
        w.put<uint32_t>(static_cast<uint32_t>(s.name.size()));
        w.put<uint64_t>(s.address);
        w.put<uint64_t>(s.size);
        w.put<uint8_t>(s.isFunction);
        w.put<uint64_t>(s.sectionEnd);
    }
    return std::move(w.bytes());
}

std::optional<SymbolTable> SymbolTable::decode(std::string_view bytes,
                                               std::shared_ptr<const void> bytesOwner) {
    ByteReader r(bytes);
    auto format = r.get<uint32_t>();
    auto names = r.getStringView();
    auto count = r.get<uint32_t>();
    if (format != kFormat || !names || names->size() > kMaxNames || !count ||
        *count > kMaxSymbols || r.remaining() != uint64_t(*count) * 37)
        return std::nullopt;
    SymbolTable table;
    if (bytesOwner) {
        table.names_ = *names;
        table.namesOwner_ = std::move(bytesOwner);
    } else {
        auto copy = std::make_shared<const std::string>(*names);
        table.names_ = *copy;
        table.namesOwner_ = std::move(copy);
    }
    const std::string_view block = table.names_;
    table.sorted_.reserve(*count);
    for (uint32_t i = 0; i < *count; ++i) {
        auto offset = r.get<uint64_t>();
        auto length = r.get<uint32_t>();
        auto address = r.get<uint64_t>();
        auto size = r.get<uint64_t>();
        auto isFunction = r.get<uint8_t>();
        auto sectionEnd = r.get<uint64_t>();
        if (!isFunction || !sectionEnd || *offset > block.size() ||
            *length > block.size() - *offset)
            return std::nullopt;
        // containing() and kallsymsSize() search by address.
        if (!table.sorted_.empty() && table.sorted_.back().address > *address) return std::nullopt;
        table.sorted_.push_back(
            {block.substr(*offset, *length), *address, *size, *isFunction != 0, *sectionEnd});
    }
    table.reindex();
    return table;
}

} // namespace panicscope::symbols
