#include "symbols/dwarf_type_names.h"

#include "util/byte_codec.h"

#include <algorithm>
#include <cstring>

namespace panicscope::symbols {

namespace {

constexpr uint32_t kFormat = 1;
constexpr uint32_t kMaxNamesPerKind = 16u << 20;
// A record: name offset (u32), name size (u32), value (u64), unit (u32).
constexpr size_t kRecordBytes = 20;

template <class T> T readAt(const char* at) {
    T value;
    std::memcpy(&value, at, sizeof value);
    return value;
}

} // namespace

std::string DwarfTypeNames::encode(Names names, uint32_t units) {
    std::string blob;
    ByteWriter w;
    w.put<uint32_t>(kFormat);
    w.put<uint32_t>(units);
    for (auto& kind : names) {
        std::sort(kind.begin(), kind.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        w.put<uint32_t>(static_cast<uint32_t>(kind.size()));
    }
    for (const auto& kind : names)
        for (const auto& [name, entry] : kind)
            blob.append(name);
    w.putString(blob);
    uint32_t offset = 0;
    for (const auto& kind : names)
        for (const auto& [name, entry] : kind) {
            w.put<uint32_t>(offset);
            w.put<uint32_t>(static_cast<uint32_t>(name.size()));
            w.put<uint64_t>(entry.value);
            w.put<uint32_t>(entry.unit);
            offset += static_cast<uint32_t>(name.size());
        }
    return std::move(w.bytes());
}

std::optional<DwarfTypeNames> DwarfTypeNames::decode(MappedFile bytes) {
    ByteReader r(bytes.bytes());
    DwarfTypeNames table;
    const auto format = r.get<uint32_t>();
    const auto units = r.get<uint32_t>();
    if (format != kFormat || !units) return std::nullopt;
    table.units_ = *units;
    std::array<uint32_t, kDwarfNameKinds> counts{};
    for (auto& count : counts) {
        const auto c = r.get<uint32_t>();
        if (!c || *c > kMaxNamesPerKind) return std::nullopt;
        count = *c;
    }
    const auto names = r.getStringView();
    if (!names) return std::nullopt;
    table.names_ = *names;
    for (size_t kind = 0; kind < kDwarfNameKinds; ++kind) {
        const auto records = r.getBytes(size_t(counts[kind]) * kRecordBytes);
        if (!records) return std::nullopt;
        table.records_[kind] = *records;
    }
    if (!r.atEnd()) return std::nullopt;
    table.file_ = std::move(bytes);
    return table;
}

std::optional<DwarfTypeNames::Entry> DwarfTypeNames::find(DwarfNameKind kind,
                                                          std::string_view name) const {
    const std::string_view records = records_[static_cast<size_t>(kind)];
    auto nameAt = [&](size_t i) -> std::string_view {
        const char* record = records.data() + i * kRecordBytes;
        const auto offset = readAt<uint32_t>(record);
        const auto size = readAt<uint32_t>(record + 4);
        if (offset > names_.size() || size > names_.size() - offset) return {};
        return names_.substr(offset, size);
    };
    size_t low = 0, high = records.size() / kRecordBytes;
    while (low < high) {
        const size_t middle = low + (high - low) / 2;
        if (nameAt(middle) < name)
            low = middle + 1;
        else
            high = middle;
    }
    if (low == records.size() / kRecordBytes || nameAt(low) != name) return std::nullopt;
    const char* record = records.data() + low * kRecordBytes;
    return Entry{readAt<uint64_t>(record + 8), readAt<uint32_t>(record + 16)};
}

} // namespace panicscope::symbols
