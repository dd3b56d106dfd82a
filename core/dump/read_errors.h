// libkdumpfile's and libaddrxlat's error texts, which name their internals ("PDPT table not
// present: p4d[511] = 0x0", "Decompresion failed: ..."), said as what is wrong with the dump and
// what the user can do about it.
#pragma once

#include <string>
#include <string_view>

namespace panicscope::dump {

// Appended in parentheses to a failed read's message when the file is known to be truncated.
inline constexpr std::string_view kTruncatedFileHint = "the dump file is truncated";

// `text` from kdump_get_err() / addrxlat_ctx_get_err() with the library's wording replaced by
// ours; parts it does not know stay as they are.
std::string explainLibraryError(std::string_view text);

} // namespace panicscope::dump
