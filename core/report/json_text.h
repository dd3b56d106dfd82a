// The one way a --json document becomes text. Strings in it may hold bytes from the dump that
// are not UTF-8 (a comm with \xff, random bytes in a damaged log); a JSON parser must get valid
// UTF-8, and the user must not lose the bytes. So each such string has its bad bytes replaced by
// U+FFFD, and an object member "KEY" that needed it gets a sibling "KEY_hex" with the original
// bytes in hex (docs/json-schema.md, "Bytes that are not UTF-8").
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace panicscope::report {

// Makes every string of `document` valid UTF-8 as described above.
void makeValidUtf8(nlohmann::ordered_json& document);

// makeValidUtf8() and then dump(indent).
std::string jsonText(const nlohmann::ordered_json& document, int indent = 2);

} // namespace panicscope::report
