// The symbol table's bytes in the index cache: the name block, each symbol by address, then the
// name index's slots. Loading is copying: no sort, no hashing (the index hashes names with a
// fixed function, symbol_table.cpp). A slot is checked to name a symbol or be free, and one
// slot at least must be free, so a damaged index can give a wrong answer at worst, never an
// endless probe or a read outside the table.
#include "symbols/symbol_table.h"

#include "util/byte_codec.h"

#include <cstring>

namespace panicscope::symbols {

namespace {
constexpr uint32_t kFormat = 3; // 2: each symbol's section end; 3: the name index
constexpr uint64_t kMaxNames = 256u << 20;
constexpr uint32_t kMaxSymbols = 16u << 20;
constexpr size_t kRecordBytes = 37;

template <class T> T readAt(const char* at) {
    T value;
    std::memcpy(&value, at, sizeof value);
    return value;
}
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
    w.put<uint32_t>(static_cast<uint32_t>(byName_.size()));
    for (uint32_t slot : byName_)
        w.put<uint32_t>(slot);
    return std::move(w.bytes());
}

std::optional<SymbolTable> SymbolTable::decode(std::string_view bytes,
                                               std::shared_ptr<const void> bytesOwner) {
    ByteReader r(bytes);
    auto format = r.get<uint32_t>();
    auto names = r.getStringView();
    auto count = r.get<uint32_t>();
    if (format != kFormat || !names || names->size() > kMaxNames || !count || *count > kMaxSymbols)
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
    auto records = r.getBytes(size_t(*count) * kRecordBytes);
    if (!records) return std::nullopt;
    table.sorted_.resize(*count);
    for (uint32_t i = 0; i < *count; ++i) {
        const char* at = records->data() + size_t(i) * kRecordBytes;
        const auto offset = readAt<uint64_t>(at);
        const auto length = readAt<uint32_t>(at + 8);
        const auto address = readAt<uint64_t>(at + 12);
        const auto isFunction = readAt<uint8_t>(at + 28);
        const auto sectionEnd = readAt<uint64_t>(at + 29);
        if (isFunction > 1 || offset > block.size() || length > block.size() - offset)
            return std::nullopt;
        // containing() and kallsymsSize() search by address.
        if (i > 0 && table.sorted_[i - 1].address > address) return std::nullopt;
        table.sorted_[i] = {block.substr(offset, length), address, readAt<uint64_t>(at + 20),
                            isFunction != 0, sectionEnd};
    }
    // No slots at all only for the empty table a default SymbolTable is.
    auto slots = r.get<uint32_t>();
    if (!slots || r.remaining() != uint64_t(*slots) * 4) return std::nullopt;
    if (*slots == 0 && *count == 0) return table;
    if (*slots < 16 || (*slots & (*slots - 1)) != 0 || *slots / 2 < *count) return std::nullopt;
    table.byName_.resize(*slots);
    std::memcpy(table.byName_.data(), bytes.data() + (bytes.size() - r.remaining()),
                size_t(*slots) * 4);
    bool anyFree = false;
    for (uint32_t slot : table.byName_) {
        if (slot == kEmpty)
            anyFree = true;
        else if (slot >= *count)
            return std::nullopt;
    }
    if (!anyFree) return std::nullopt;
    table.computeMaxEnds();
    return table;
}

} // namespace panicscope::symbols
