#include "report/memory_report.h"

#include "util/hex.h"

#include <cstdio>
#include <cstring>

namespace panicscope::report {

using nlohmann::ordered_json;

namespace {

constexpr unsigned kLineBytes = 16;

// A value of `size` bytes in `digits` hex digits, zero-padded, as crash prints words.
std::string hexDigits(uint64_t value, unsigned size) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%0*llx", static_cast<int>(size * 2),
                  static_cast<unsigned long long>(value));
    return buf;
}

bool wholeLineMissing(const model::MemoryBlock& block, uint64_t at, uint64_t end) {
    for (const auto& [b, e] : block.missing)
        if (b <= at && e >= end) return true;
    return false;
}

// The end of the missing range that holds `at`.
std::pair<uint64_t, bool> missingRangeEnd(const model::MemoryBlock& block, uint64_t at) {
    for (const auto& [b, e] : block.missing)
        if (b <= at && at < e) return {e, true};
    return {at, false};
}

} // namespace

std::vector<MemoryWord> memoryWords(const model::MemoryBlock& block, unsigned wordSize,
                                    const NameOf& nameOf) {
    std::vector<MemoryWord> words;
    words.reserve(block.bytes.size() / wordSize);
    for (size_t off = 0; off + wordSize <= block.bytes.size(); off += wordSize) {
        MemoryWord w;
        w.address = block.address + off;
        if (block.present(w.address) && block.present(w.address + wordSize - 1)) {
            uint64_t value = 0;
            std::memcpy(&value, block.bytes.data() + off, wordSize); // x86-64: little-endian
            w.value = value;
            if (nameOf && wordSize == 8) w.symbol = nameOf(value);
        }
        words.push_back(std::move(w));
    }
    return words;
}

void printMemoryWords(std::ostream& out, const model::MemoryBlock& block, unsigned wordSize,
                      const NameOf& nameOf) {
    const auto words = memoryWords(block, wordSize, nameOf);
    const size_t perLine = kLineBytes / wordSize;
    for (size_t i = 0; i < words.size();) {
        const uint64_t at = words[i].address;
        const size_t n = std::min(perLine, words.size() - i);
        const uint64_t lineEnd = at + n * wordSize;
        if (wholeLineMissing(block, at, lineEnd)) {
            const auto [end, _] = missingRangeEnd(block, at);
            const uint64_t shownEnd = std::min<uint64_t>(end, block.address + block.bytes.size());
            out << hex16(at) << ":  -- not in the dump up to " << hex16(shownEnd);
            if (block.missingReason) out << ": " << *block.missingReason;
            out << " --\n";
            while (i < words.size() && words[i].address + wordSize <= shownEnd)
                ++i;
            if (i < words.size() && words[i].address < shownEnd) ++i; // a word across its end
            continue;
        }
        std::string text = hex16(at) + ": ", ascii;
        bool named = false;
        for (size_t k = 0; k < n; ++k) {
            const MemoryWord& w = words[i + k];
            std::string cell = w.symbol  ? *w.symbol
                               : w.value ? hexDigits(*w.value, wordSize)
                                         : std::string(wordSize * 2, '?');
            named = named || w.symbol;
            if (nameOf && cell.size() < 16) cell.resize(16, ' ');
            text += " " + cell;
            for (unsigned b = 0; b < wordSize; ++b) {
                const uint8_t c = block.bytes[w.address - block.address + b];
                ascii += !w.value ? '?' : (c >= 0x20 && c < 0x7f) ? char(c) : '.';
            }
        }
        if (!nameOf) {
            // Pad a short last line so its ASCII column lines up.
            text.resize(18 + perLine * (wordSize * 2 + 1), ' ');
            text += "   " + ascii;
        }
        while (!text.empty() && text.back() == ' ')
            text.pop_back();
        out << text << '\n';
        i += n;
    }
}

ordered_json memoryJson(const model::MemoryBlock& block, unsigned wordSize, bool physical,
                        const NameOf& nameOf) {
    ordered_json words = ordered_json::array();
    for (const auto& w : memoryWords(block, wordSize, nameOf))
        words.push_back({{"address", hex(w.address)},
                         {"value", w.value ? ordered_json(hex(*w.value)) : ordered_json(nullptr)},
                         {"symbol", w.symbol ? ordered_json(*w.symbol) : ordered_json(nullptr)}});
    ordered_json missing = ordered_json::array();
    for (const auto& [b, e] : block.missing)
        missing.push_back({{"begin", hex(b)}, {"end", hex(e)}});
    return {{"address", hex(block.address)},
            {"physical", physical},
            {"word_size", wordSize},
            {"words", std::move(words)},
            {"missing", std::move(missing)},
            {"missing_reason",
             block.missingReason ? ordered_json(*block.missingReason) : ordered_json(nullptr)}};
}

void printSearchHits(std::ostream& out, const model::SearchResult& result, const NameOf& whereIs) {
    for (const auto& [a, value] : result.hits) {
        out << hex16(a) << ": " << hex16(value);
        if (whereIs)
            if (auto name = whereIs(a)) out << "  " << *name;
        out << '\n';
    }
}

ordered_json searchJson(const model::SearchRequest& request, const model::SearchResult& result,
                        const NameOf& whereIs) {
    ordered_json hits = ordered_json::array();
    for (const auto& [a, value] : result.hits) {
        std::optional<std::string> name = whereIs ? whereIs(a) : std::nullopt;
        hits.push_back({{"address", hex(a)},
                        {"value", hex(value)},
                        {"symbol", name ? ordered_json(*name) : ordered_json(nullptr)}});
    }
    return {{"begin", hex(request.begin)},
            {"end", hex(request.end)},
            {"value", hex(request.value)},
            {"mask", hex(request.mask)},
            {"hits", std::move(hits)},
            {"bytes_searched", result.bytesSearched},
            {"bytes_missing", result.bytesMissing},
            {"stopped_at_max_hits", result.stoppedAtMaxHits}};
}

} // namespace panicscope::report
