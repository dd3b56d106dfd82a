// The whole CLI as a function of its arguments and streams, so tests can run it in-process.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace panicscope::cli {

// Exit status: 0 success, 1 an error (one line on `err`), 2 a usage error.
// `showProgress`: write what slow steps are running to `err` (only when it is a terminal).
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        bool showProgress = false);

} // namespace panicscope::cli
