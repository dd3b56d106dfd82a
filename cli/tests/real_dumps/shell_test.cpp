// The interactive shell (`panicscope DUMP`) driven through a pseudo-terminal, as a person would
// use it: readline, the pager, completion and history are all live. Each verb's output must be
// byte for byte what the one-shot command prints.
#include "dump_manifest.h"
#include "run_cli.h"
#include "run_command.h"
#include "shell.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <pty.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace panicscope::testing {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPrompt = "panicscope> ";

// The one-shot command's stdout: `panicscope ARGS DUMP --vmlinux VMLINUX`.
std::string oneShot(const std::string& args, const DumpRow& row) {
    const std::string command = std::string(PANICSCOPE_BINARY) + " " + args + " " +
                                shellQuoted(row.dump) + " --vmlinux " + shellQuoted(row.vmlinux) +
                                " 2>/dev/null";
    const CommandResult r = runCommand(command);
    return r.status == -1 ? "could not run " + command : r.output;
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The shell in a child process on a pseudo-terminal: lines go in as keystrokes, the terminal's
// bytes come out.
class PtyShell {
  public:
    PtyShell(const DumpRow& row, const fs::path& dir) {
        std::ofstream(dir / "inputrc") << "set enable-bracketed-paste off\n";
        struct winsize size {};
        size.ws_row = 24;
        size.ws_col = 80;
        pid_ = ::forkpty(&master_, nullptr, nullptr, &size);
        if (pid_ == 0) {
            ::setenv("TERM", "dumb", 1);
            ::setenv("INPUTRC", (dir / "inputrc").c_str(), 1);
            ::setenv("XDG_STATE_HOME", (dir / "state").c_str(), 1);
            // Every default output goes through the pager: this one copies it to a file too.
            ::setenv("PAGER", ("tee -a " + shellQuoted(dir / "paged")).c_str(), 1);
            ::execl(PANICSCOPE_BINARY, "panicscope", row.dump.c_str(), "--vmlinux",
                    row.vmlinux.c_str(), nullptr);
            ::_exit(127);
        }
    }
    ~PtyShell() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (master_ >= 0) ::close(master_);
    }
    bool started() const { return pid_ > 0; }

    // What the terminal shows until the next prompt (without it), with the terminal's "\r\n"
    // turned back into "\n"; the text so far on a timeout or the end of output.
    std::string untilPrompt() {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        while (true) {
            if (auto at = pending_.find(kPrompt); at != std::string::npos) {
                std::string before = pending_.substr(0, at);
                pending_.erase(0, at + kPrompt.size());
                return normalized(before);
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0 || !readSome(static_cast<int>(left.count()))) {
                ended_ = true;
                return normalized(std::exchange(pending_, ""));
            }
        }
    }
    // Types `keys`, and returns what the command printed: the terminal up to the next prompt,
    // less the first line (the typed line, echoed).
    std::string type(const std::string& keys) {
        send(keys);
        std::string shown = untilPrompt();
        const size_t echo = shown.find('\n');
        return echo == std::string::npos ? shown : shown.substr(echo + 1);
    }
    void send(const std::string& keys) { (void)!::write(master_, keys.data(), keys.size()); }
    bool ended() const { return ended_; }
    // The exit status after the end of input.
    int wait() {
        int status = 0;
        ::waitpid(pid_, &status, 0);
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

  private:
    bool readSome(int timeoutMs) {
        pollfd p{master_, POLLIN, 0};
        if (::poll(&p, 1, timeoutMs) <= 0) return false;
        char buffer[4096];
        const ssize_t n = ::read(master_, buffer, sizeof buffer);
        if (n <= 0) return false; // EIO: the child closed the terminal
        pending_.append(buffer, static_cast<size_t>(n));
        return true;
    }
    static std::string normalized(std::string s) {
        std::string out;
        for (size_t i = 0; i < s.size(); ++i)
            if (!(s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n')) out += s[i];
        return out;
    }

    int master_ = -1;
    pid_t pid_ = -1;
    bool exited_ = false, ended_ = false;
    std::string pending_;
};

TEST(Shell, EachVerbPrintsWhatTheOneShotCommandPrints) {
    const auto& row = manifestRow("process", "kdump", "kdump-zlib");
    const fs::path dir =
        fs::temp_directory_path() / ("panicscope-shell-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string info = oneShot("info", row), bt = oneShot("bt", row), ps = oneShot("ps", row),
                      bt1 = oneShot("bt 1", row), sym = oneShot("sym schedule_timeout", row);
    ASSERT_FALSE(info.empty());
    ASSERT_FALSE(bt.empty());
    ASSERT_FALSE(ps.empty());
    ASSERT_FALSE(sym.empty());

    PtyShell shell(row, dir);
    ASSERT_TRUE(shell.started());
    shell.untilPrompt(); // the progress of opening the dump
    ASSERT_FALSE(shell.ended()) << "no prompt";
    EXPECT_EQ(shell.type("info\n"), info);
    EXPECT_EQ(shell.type("bt\n"), bt);
    EXPECT_EQ(shell.type("ps\n"), ps);
    EXPECT_EQ(shell.type("tb\n"), "panicscope: unknown command 'tb'; did you mean 'bt'?\n");
    const fs::path saved = dir / "bt.txt";
    EXPECT_EQ(shell.type("bt > " + shellQuoted(saved) + "\n"), "");
    EXPECT_EQ(readFile(saved), bt);
    EXPECT_EQ(shell.type("bt 1 >> " + shellQuoted(saved) + "\n"), "");
    EXPECT_EQ(readFile(saved), bt + bt1);
    // A pipe to a shell command: ps's lines, counted.
    const auto lines = std::count(ps.begin(), ps.end(), '\n');
    EXPECT_EQ(shell.type("ps | wc -l\n"), std::to_string(lines) + "\n");
    // TAB completes the only verb starting with 'b', and a symbol's longest common prefix.
    EXPECT_EQ(shell.type("b\t\n"), bt);
    EXPECT_EQ(shell.type("sym schedule_timeo\t\n"), sym);
    // Ctrl-P brings back the line before.
    EXPECT_EQ(shell.type("\x10\n"), sym);
    shell.send("\x04"); // Ctrl-D
    shell.untilPrompt();
    EXPECT_TRUE(shell.ended());
    EXPECT_EQ(shell.wait(), 0);

    // What went to the terminal went through the pager, in order; the redirected and piped
    // output did not.
    EXPECT_EQ(readFile(dir / "paged"), info + bt + ps + bt + sym + sym);
    // The history is kept for the next run.
    EXPECT_EQ(readFile(dir / "state/panicscope/history"),
              "info\nbt\nps\ntb\nbt > " + shellQuoted(saved) + "\nbt 1 >> " + shellQuoted(saved) +
                  "\nps | wc -l\nbt \nsym schedule_timeout\n");
    fs::remove_all(dir);
}

// Lines from a script, for the shell without a terminal.
class ScriptReader : public cli::LineReader {
  public:
    explicit ScriptReader(std::vector<std::string> lines) : lines_(std::move(lines)) {}
    std::optional<std::string> readLine(const std::string&) override {
        if (next_ == lines_.size()) return std::nullopt;
        return lines_[next_++];
    }

  private:
    std::vector<std::string> lines_;
    size_t next_ = 0;
};

TEST(Shell, ErrorsTakeOneLineAndTheShellGoesOn) {
    const auto& row = manifestRow("process", "kdump", "kdump-zlib");
    model::SessionOptions options;
    options.dumpPaths = {row.dump};
    options.vmlinuxPath = row.vmlinux;
    auto session = model::Session::open(options);
    ASSERT_TRUE(session) << session.error().message;
    // The verbs' own errors are the one-shot command's (a pid no task has).
    const auto noPid = runCli({"bt", "99999999", row.dump, "--vmlinux", row.vmlinux});
    ASSERT_EQ(noPid.status, 1);
    ScriptReader reader({"sym 'schedule", "shell", "bt --vmlinux x", "sym", "ps -q", "bt 99999999",
                         "help frob", "bt > /nonexistent-dir/x", "help sym", "quit", "info"});
    std::ostringstream out, err;
    EXPECT_EQ(cli::runShell(**session, reader, out, err, false), 0);
    EXPECT_EQ(err.str(), "panicscope: unclosed ' quote\n"
                         "panicscope: already in the shell\n"
                         "panicscope: bt: --vmlinux, --debug-dir, --module-dir, --debuginfod and "
                         "--split are given once, to 'panicscope shell'\n"
                         "panicscope: usage: sym ADDR|NAME\n"
                         "panicscope: ps: unknown option '-q'\n" +
                             noPid.err +
                             "panicscope: unknown command 'frob'\n"
                             "panicscope: cannot write /nonexistent-dir/x: No such file or "
                             "directory\n");
    // help VERB is `panicscope help VERB`; nothing runs after quit.
    EXPECT_EQ(out.str(), runCli({"help", "sym"}).out);
}

} // namespace
} // namespace panicscope::testing
