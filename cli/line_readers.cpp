// The shell's line readers (shell.h): a plain stream, and libreadline on a terminal.
#include "shell.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <readline/history.h>
#include <readline/readline.h>

namespace panicscope::cli {

namespace {

constexpr int kHistoryLines = 1000;

class StreamLineReader : public LineReader {
  public:
    explicit StreamLineReader(std::istream& in) : in_(in) {}
    std::optional<std::string> readLine(const std::string&) override {
        std::string line;
        if (!std::getline(in_, line)) return std::nullopt;
        return line;
    }

  private:
    std::istream& in_;
};

// readline calls back through plain function pointers with no user data: the completer of the
// reader that is reading is the one piece of state those callbacks need.
const Completer* activeCompleter = nullptr;
std::vector<std::string> pendingMatches;
volatile std::sig_atomic_t interrupted = 0;

char* nextMatch(const char*, int state) {
    static size_t next = 0;
    if (state == 0) next = 0;
    if (next >= pendingMatches.size()) return nullptr;
    return strdup(pendingMatches[next++].c_str()); // readline frees it
}

char** completeWord(const char* text, int start, int) {
    const std::string_view before(rl_line_buffer, static_cast<size_t>(start));
    // After '>' or '|' comes a file name or a shell command: readline's file names.
    if (before.find_first_of(">|") != std::string_view::npos) return nullptr;
    rl_attempted_completion_over = 1;
    if (!activeCompleter) return nullptr;
    pendingMatches = (*activeCompleter)(before, text);
    return rl_completion_matches(text, nextMatch);
}

// Ctrl-C at the prompt drops the line being typed and shows a new prompt, as shells do; during
// a command it is ignored (the command is short, and a pager handles its own).
void onInterrupt(int) {
    interrupted = 1;
}

int afterSignal() {
    if (!interrupted) return 0;
    interrupted = 0;
    rl_replace_line("", 0);
    rl_crlf();
    rl_on_new_line();
    rl_redisplay();
    return 0;
}

class TerminalLineReader : public LineReader {
  public:
    TerminalLineReader(Completer complete, std::string historyFile)
        : complete_(std::move(complete)), historyFile_(std::move(historyFile)) {
        rl_readline_name = "panicscope";
        rl_attempted_completion_function = completeWord;
        rl_signal_event_hook = afterSignal;
        activeCompleter = &complete_;
        struct sigaction action {};
        action.sa_handler = onInterrupt;
        sigaction(SIGINT, &action, &savedInterrupt_);
        using_history();
        stifle_history(kHistoryLines);
        if (!historyFile_.empty()) read_history(historyFile_.c_str());
    }
    ~TerminalLineReader() override {
        if (!historyFile_.empty()) {
            std::error_code ec;
            std::filesystem::create_directories(std::filesystem::path(historyFile_).parent_path(),
                                                ec);
            write_history(historyFile_.c_str());
        }
        clear_history();
        activeCompleter = nullptr;
        rl_attempted_completion_function = nullptr;
        rl_signal_event_hook = nullptr;
        sigaction(SIGINT, &savedInterrupt_, nullptr);
    }

    std::optional<std::string> readLine(const std::string& prompt) override {
        interrupted = 0;
        char* raw = readline(prompt.c_str());
        if (!raw) {
            std::fputc('\n', stdout); // Ctrl-D: end the prompt's line
            std::fflush(stdout);
            return std::nullopt;
        }
        std::string line(raw);
        std::free(raw);
        const HIST_ENTRY* last = history_length > 0 ? history_get(history_length) : nullptr;
        if (line.find_first_not_of(" \t") != std::string::npos && (!last || line != last->line))
            add_history(line.c_str());
        return line;
    }

  private:
    Completer complete_;
    std::string historyFile_;
    struct sigaction savedInterrupt_ {};
};

} // namespace

std::unique_ptr<LineReader> streamLineReader(std::istream& in) {
    return std::make_unique<StreamLineReader>(in);
}

std::unique_ptr<LineReader> terminalLineReader(Completer complete, std::string historyFile) {
    return std::make_unique<TerminalLineReader>(std::move(complete), std::move(historyFile));
}

std::string shellHistoryFile() {
    const char* state = std::getenv("XDG_STATE_HOME");
    if (state && *state) return std::string(state) + "/panicscope/history";
    const char* home = std::getenv("HOME");
    if (home && *home) return std::string(home) + "/.local/state/panicscope/history";
    return "";
}

} // namespace panicscope::cli
