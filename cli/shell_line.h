// One line typed at the shell's prompt: the verb's words and where its output goes
// (`bt --all > FILE`, `>> FILE`, `| CMD`).
#pragma once

#include "util/result.h"

#include <string>
#include <vector>

namespace panicscope::cli {

struct ShellLine {
    enum class Sink { Default, File, AppendFile, Pipe };
    std::vector<std::string> words; // the verb and its arguments; empty for a blank line
    Sink sink = Sink::Default;
    std::string target; // the file (File, AppendFile) or the shell command (Pipe)
};

// Splits a line into words: blanks separate them, '...' and "..." quote, a backslash escapes
// the next character. An unquoted '|' hands the rest of the line to /bin/sh; an unquoted '>' or
// '>>' takes one file name and must end the line. Errc::Usage for an unclosed quote, a '>'
// without a file, or a '|' without a command.
Result<ShellLine> parseShellLine(const std::string& line);

} // namespace panicscope::cli
