// Small number formatting and parsing helpers shared by core and the front ends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace panicscope {

// "0xffffffff81000000" (lower case, 0x prefix).
std::string hex(uint64_t value);
// Zero-padded to 16 digits without prefix, as crash prints addresses: "ffffffff81000000".
std::string hex16(uint64_t value);
// Accepts "0x..." or bare hex digits; nothing else, no trailing junk.
std::optional<uint64_t> parseHex(std::string_view text);
// Accepts a decimal number, no sign, no trailing junk.
std::optional<uint64_t> parseDecimal(std::string_view text);

} // namespace panicscope
