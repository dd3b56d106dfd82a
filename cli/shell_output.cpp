#include "shell_output.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <streambuf>

namespace panicscope::cli {

namespace {

// A streambuf writing to a stdio FILE (popen's pipe).
class PipeBuf : public std::streambuf {
  public:
    explicit PipeBuf(FILE* file) : file_(file) {}

  protected:
    int_type overflow(int_type c) override {
        if (c == traits_type::eof()) return traits_type::not_eof(c);
        return std::fputc(c, file_) == EOF ? traits_type::eof() : c;
    }
    std::streamsize xsputn(const char* s, std::streamsize n) override {
        return static_cast<std::streamsize>(std::fwrite(s, 1, static_cast<size_t>(n), file_));
    }
    int sync() override { return std::fflush(file_) == 0 ? 0 : -1; }

  private:
    FILE* file_;
};

// Output to a command's standard input. SIGPIPE is ignored while it runs (set after the fork,
// so the command itself keeps the default): a pager quit early makes the rest of the output
// fail to write, not kill the shell.
class PipeOutput : public CommandOutput {
  public:
    PipeOutput(FILE* pipe) : pipe_(pipe), buf_(pipe), stream_(&buf_) {
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        sigaction(SIGPIPE, &ignore, &saved_);
    }
    ~PipeOutput() override { close(); }
    std::ostream& stream() override { return stream_; }
    void close() override {
        if (!pipe_) return;
        stream_.flush();
        pclose(pipe_);
        pipe_ = nullptr;
        sigaction(SIGPIPE, &saved_, nullptr);
    }

  private:
    FILE* pipe_;
    PipeBuf buf_;
    std::ostream stream_;
    struct sigaction saved_ {};
};

class FileOutput : public CommandOutput {
  public:
    explicit FileOutput(std::ofstream file) : file_(std::move(file)) {}
    std::ostream& stream() override { return file_; }
    void close() override { file_.close(); }

  private:
    std::ofstream file_;
};

class TerminalOutput : public CommandOutput {
  public:
    explicit TerminalOutput(std::ostream& out) : out_(out) {}
    std::ostream& stream() override { return out_; }
    void close() override { out_.flush(); }

  private:
    std::ostream& out_;
};

std::string pagerCommand() {
    const char* pager = std::getenv("PAGER");
    return pager && *pager ? pager : "less -FRX";
}

} // namespace

Result<std::unique_ptr<CommandOutput>> CommandOutput::open(const ShellLine& line,
                                                           std::ostream& terminal, bool page) {
    using Sink = ShellLine::Sink;
    if (line.sink == Sink::File || line.sink == Sink::AppendFile) {
        std::ofstream file(line.target, line.sink == Sink::AppendFile
                                            ? std::ios::out | std::ios::app | std::ios::binary
                                            : std::ios::out | std::ios::trunc | std::ios::binary);
        if (!file)
            return fail(Errc::Io, "cannot write " + line.target + ": " + std::strerror(errno));
        return std::make_unique<FileOutput>(std::move(file));
    }
    if (line.sink == Sink::Default && !page) return std::make_unique<TerminalOutput>(terminal);
    const std::string command = line.sink == Sink::Pipe ? line.target : pagerCommand();
    terminal.flush(); // what was printed before comes first
    FILE* pipe = popen(command.c_str(), "w");
    if (!pipe) return fail(Errc::Io, "cannot run '" + command + "': " + std::strerror(errno));
    return std::make_unique<PipeOutput>(pipe);
}

} // namespace panicscope::cli
