// The whole CLI as a function of its arguments and streams, so tests can run it in-process.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace panicscope::cli {

// Exit status: 0 success, 1 an error (one line on `err`), 2 a usage error.
// `showProgress`: write what slow steps are running to `err` (only when it is a terminal).
// `processExitsAfter`: the caller exits right after, so the session (the mapped vmlinux, its
// symbol and DWARF caches, the dump's) is left to the exit instead of being freed piece by piece,
// which took a tenth of a short `bt`.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        bool showProgress = false, bool processExitsAfter = false);

} // namespace panicscope::cli
