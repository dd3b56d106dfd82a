// rd's and search's output: memory as words, crash's layout (address, words, ASCII), and the hits
// of a search.
#pragma once

#include "model/values.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <ostream>
#include <string>

namespace panicscope::report {

// The symbol+offset a value points at, or nullopt (rd -s, bt -f): the caller decides which
// values count as pointers.
using NameOf = std::function<std::optional<std::string>(uint64_t value)>;

// The values a word size of 1, 2, 4 or 8 bytes lays out; what rd prints and JSON lists.
struct MemoryWord {
    uint64_t address = 0;
    std::optional<uint64_t> value;     // null: not in the dump
    std::optional<std::string> symbol; // with a NameOf, what the value points at
};
std::vector<MemoryWord> memoryWords(const model::MemoryBlock& block, unsigned wordSize,
                                    const NameOf& nameOf);

// 16 bytes a line: "ffffffff82000100:  6e6f697372655620 352e362078756e69   Version linux 6."
// With `nameOf` (8-byte words only) a word that names a symbol prints as "name+0x1a" and the line
// has no ASCII column, as crash's `rd -s`. Lines wholly outside the dump collapse into one
// "ADDR:  -- not in the dump up to END: reason --" line; a missing word in a line prints as '?'s.
void printMemoryWords(std::ostream& out, const model::MemoryBlock& block, unsigned wordSize,
                      const NameOf& nameOf);
// rd --json: {"address","physical","word_size","words":[{"address","value","symbol"}],
// "missing":[{"begin","end"}],"missing_reason"}.
nlohmann::ordered_json memoryJson(const model::MemoryBlock& block, unsigned wordSize, bool physical,
                                  const NameOf& nameOf);

// One hit a line, as crash's search: "ffff8880012345f8: ffffffff81234567", and the symbol the
// hit's address is in, when `whereIs` names one.
void printSearchHits(std::ostream& out, const model::SearchResult& result, const NameOf& whereIs);
nlohmann::ordered_json searchJson(const model::SearchRequest& request,
                                  const model::SearchResult& result, const NameOf& whereIs);

} // namespace panicscope::report
