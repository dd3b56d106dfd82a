// Text taken from a dump (a task's comm, log records, module names, the release) is bytes, not
// trusted text: a dying kernel or an attacker may have written anything there. These turn it
// into something a terminal or a JSON parser can take, without losing what was there.
#pragma once

#include <string>
#include <string_view>

namespace panicscope {

// True when `bytes` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF).
bool isValidUtf8(std::string_view bytes);

// `bytes` with each byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD.
std::string replaceInvalidUtf8(std::string_view bytes);

// For a terminal: control characters (0x00-0x1f except tab, and 0x7f) become `\xHH`, so a comm
// holding an escape sequence cannot clear the screen or fake output. Printable bytes, UTF-8
// included, pass unchanged.
std::string escapeControlCharacters(std::string_view bytes);

// True when a name taken from the dump (the release, a module name) can become one component of
// a file path: not empty, no '/', not "." or "..", no control characters, at most 255 bytes.
// A dump whose OSRELEASE is "../../etc" must not make us open files outside the search paths.
bool isPlainPathComponent(std::string_view name);

} // namespace panicscope
