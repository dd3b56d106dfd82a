// Runs a shell command and keeps what it printed on stdout and how it ended: the one way the
// real-dump tests start drgn, objdump, valgrind or the panicscope binary. Each caller decides
// what a failure means for it (throw, a failed assertion, or an expected status).
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace panicscope::testing {

struct CommandResult {
    int status = -1;    // the exit status; -1 when it could not be started or died by a signal
    std::string output; // its stdout (add 2>&1 to the command for stderr too)
};

// `command` goes to /bin/sh as it is: quote its arguments.
inline CommandResult runCommand(const std::string& command) {
    CommandResult result;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return result;
    char buffer[65536];
    while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
        result.output.append(buffer, n);
    const int raw = ::pclose(pipe);
    if (raw != -1 && WIFEXITED(raw)) result.status = WEXITSTATUS(raw);
    return result;
}

// `text` as one shell word: 'it'\''s'.
inline std::string shellQuoted(const std::string& text) {
    std::string out = "'";
    for (char c : text)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

} // namespace panicscope::testing
