// The interactive shell: the dump is opened once, then verbs are typed at a prompt and each
// prints exactly what the one-shot `panicscope VERB ... DUMP` prints.
#pragma once

#include "model/session.h"

#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace panicscope::plugin {
class Registry;
}

namespace panicscope::cli {

// Where the shell's lines come from: readline on a terminal, a stream otherwise, a script in
// tests.
class LineReader {
  public:
    virtual ~LineReader() = default;
    // The next line without its newline; nullopt at the end of input (Ctrl-D).
    virtual std::optional<std::string> readLine(const std::string& prompt) = 0;
};

// Candidates for the word being typed: `before` is the line up to that word, `prefix` what of
// the word is typed.
using Completer =
    std::function<std::vector<std::string>(std::string_view before, std::string_view prefix)>;

// Lines from a stream with no prompt and no editing (`panicscope shell DUMP < commands`).
std::unique_ptr<LineReader> streamLineReader(std::istream& in);
// libreadline on the terminal: line editing, completion through `complete`, and history kept
// in `historyFile` (none when empty) between runs.
std::unique_ptr<LineReader> terminalLineReader(Completer complete, std::string historyFile);
// $XDG_STATE_HOME/panicscope/history, else ~/.local/state/panicscope/history; empty without a
// home directory.
std::string shellHistoryFile();

// What TAB offers: verbs and shell commands first, then a verb's options, pids for bt and ps,
// and symbol names for sym.
std::vector<std::string> shellCompletions(const model::Session& session, std::string_view before,
                                          std::string_view prefix);

// Reads lines until quit, exit or the end of input and runs each; an error prints one line on
// `err` and the shell goes on. `page`: `out` is a terminal, so each command's output goes
// through $PAGER (default `less -FRX`). `registry`: the run's plugins, whose verbs the shell
// offers too (null: the CLI's own verbs). Returns the exit status (0).
int runShell(const model::Session& session, LineReader& reader, std::ostream& out,
             std::ostream& err, bool page, const plugin::Registry* registry = nullptr);

} // namespace panicscope::cli
