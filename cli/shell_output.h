// Where the output of one shell command goes: the terminal (through the pager when it is one),
// a file (`> FILE`, `>> FILE`) or a shell command (`| CMD`).
#pragma once

#include "shell_line.h"
#include "util/result.h"

#include <memory>
#include <ostream>

namespace panicscope::cli {

class CommandOutput {
  public:
    // `terminal`: where output goes by default. `page`: it is a terminal, so default output goes
    // through $PAGER (or `less -FRX`). Errc::Io naming the file or command that cannot be opened.
    static Result<std::unique_ptr<CommandOutput>> open(const ShellLine& line,
                                                       std::ostream& terminal, bool page);
    virtual ~CommandOutput() = default;
    virtual std::ostream& stream() = 0;
    // Flushes, and waits for the pager or command to finish (before the next prompt).
    virtual void close() = 0;
};

} // namespace panicscope::cli
