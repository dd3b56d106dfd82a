// Reading the CLI's address arguments: a symbol of the vmlinux or a hex address, and what a word
// points at for rd -s, bt -f and search.
#pragma once

#include "model/session.h"
#include "report/memory_report.h"

#include <string>

namespace panicscope::cli {

// A vmlinux symbol's runtime address, else the text as a hex address; Errc::Usage for neither.
Result<uint64_t> resolveAddress(const model::Session& session, const std::string& text);

// "name+0x1a [module]" for a value in the kernel's image or module space (the top 2 GiB, where
// x86-64 maps both), nothing for other values: a heap or stack word is not named after the
// nearest symbol.
report::NameOf kernelSymbolNamer(const model::Session& session);

} // namespace panicscope::cli
