// The whole CLI run in this process on string streams: its exit status and what it printed.
#pragma once

#include "cli.h"

#include <sstream>
#include <string>
#include <vector>

namespace panicscope::testing {

struct Run {
    int status;
    std::string out, err;
};

inline Run run(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    const int status = panicscope::cli::run(args, out, err);
    return {status, out.str(), err.str()};
}

} // namespace panicscope::testing
