// Runs the panicscope CLI in-process and keeps what it printed.
#pragma once

#include "cli.h"

#include <sstream>
#include <string>
#include <vector>

namespace panicscope::testing {

struct CliResult {
    int status = -1;
    std::string out, err;
};

inline CliResult runCli(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    const int status = cli::run(args, out, err);
    return {status, out.str(), err.str()};
}

} // namespace panicscope::testing
