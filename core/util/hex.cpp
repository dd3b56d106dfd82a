#include "util/hex.h"

#include <charconv>
#include <cstdio>

namespace panicscope {

std::string hex(uint64_t value) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
    return buf;
}

std::string hex16(uint64_t value) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(value));
    return buf;
}

static std::optional<uint64_t> parseWhole(std::string_view text, int base) {
    if (text.empty()) return std::nullopt;
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::optional<uint64_t> parseHex(std::string_view text) {
    if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
    return parseWhole(text, 16);
}

std::optional<uint64_t> parseDecimal(std::string_view text) {
    return parseWhole(text, 10);
}

} // namespace panicscope
