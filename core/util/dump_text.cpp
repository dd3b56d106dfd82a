#include "util/dump_text.h"

#include <cstdint>

namespace panicscope {

namespace {

// The length of the well-formed UTF-8 sequence at the start of `s`, or 0 (RFC 3629, table 3-7
// of the Unicode standard).
size_t validSequenceLength(std::string_view s) {
    const auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
    const uint8_t b0 = byte(0);
    if (b0 < 0x80) return 1;
    size_t length = 0;
    uint8_t low = 0x80, high = 0xbf; // the allowed range of the second byte
    if (b0 >= 0xc2 && b0 <= 0xdf)
        length = 2;
    else if (b0 == 0xe0)
        length = 3, low = 0xa0;
    else if (b0 >= 0xe1 && b0 <= 0xec)
        length = 3;
    else if (b0 == 0xed)
        length = 3, high = 0x9f; // no surrogates
    else if (b0 >= 0xee && b0 <= 0xef)
        length = 3;
    else if (b0 == 0xf0)
        length = 4, low = 0x90;
    else if (b0 >= 0xf1 && b0 <= 0xf3)
        length = 4;
    else if (b0 == 0xf4)
        length = 4, high = 0x8f; // nothing past U+10FFFF
    else
        return 0;
    if (s.size() < length || byte(1) < low || byte(1) > high) return 0;
    for (size_t i = 2; i < length; ++i)
        if (byte(i) < 0x80 || byte(i) > 0xbf) return 0;
    return length;
}

} // namespace

bool isValidUtf8(std::string_view bytes) {
    while (!bytes.empty()) {
        const size_t n = validSequenceLength(bytes);
        if (n == 0) return false;
        bytes.remove_prefix(n);
    }
    return true;
}

std::string replaceInvalidUtf8(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    while (!bytes.empty()) {
        const size_t n = validSequenceLength(bytes);
        if (n == 0) {
            out += "\xef\xbf\xbd"; // U+FFFD REPLACEMENT CHARACTER
            bytes.remove_prefix(1);
        } else {
            out.append(bytes.substr(0, n));
            bytes.remove_prefix(n);
        }
    }
    return out;
}

std::string escapeControlCharacters(std::string_view bytes) {
    constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size());
    for (char c : bytes) {
        const auto b = static_cast<uint8_t>(c);
        if ((b < 0x20 && c != '\t') || b == 0x7f) {
            out += "\\x";
            out += kHex[b >> 4];
            out += kHex[b & 0xf];
        } else {
            out += c;
        }
    }
    return out;
}

bool isPlainPathComponent(std::string_view name) {
    if (name.empty() || name.size() > 255 || name == "." || name == "..") return false;
    for (char c : name)
        if (c == '/' || static_cast<uint8_t>(c) < 0x20 || c == 0x7f) return false;
    return true;
}

} // namespace panicscope
