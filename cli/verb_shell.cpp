#include "shell.h"
#include "verbs.h"

#include <iostream>
#include <unistd.h>

namespace panicscope::cli {

namespace {

int runShellVerb(const model::Session& session, const Options& options, std::ostream& out,
                 std::ostream& err) {
    // Paging only when the output really is the process's terminal (not a test's stream).
    const bool page = out.rdbuf() == std::cout.rdbuf() && ::isatty(STDOUT_FILENO) == 1;
    std::unique_ptr<LineReader> reader;
    if (::isatty(STDIN_FILENO) == 1)
        reader = terminalLineReader(
            [&session](std::string_view before, std::string_view prefix) {
                return shellCompletions(session, before, prefix);
            },
            shellHistoryFile());
    else
        reader = streamLineReader(std::cin);
    return runShell(session, *reader, out, err, page, options.registry);
}

} // namespace

Verb shellVerb() {
    Verb verb{"shell",
              "DUMP",
              "open the dump once and type verbs at a prompt, with line editing, history and "
              "completion ('panicscope DUMP' does the same)",
              {},
              0,
              0,
              runShellVerb};
    verb.unwinds = true;
    return verb;
}

} // namespace panicscope::cli
