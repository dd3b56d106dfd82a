#include "shell_line.h"

namespace panicscope::cli {

namespace {

bool isBlank(char c) {
    return c == ' ' || c == '\t';
}

std::string trimmed(const std::string& s) {
    size_t begin = 0, end = s.size();
    while (begin < end && isBlank(s[begin]))
        ++begin;
    while (end > begin && isBlank(s[end - 1]))
        --end;
    return s.substr(begin, end - begin);
}

// Reads the words of `line` from `at` until its end or an unquoted '|' or '>' (left at `at`).
Result<std::vector<std::string>> readWords(const std::string& line, size_t& at) {
    std::vector<std::string> words;
    std::string word;
    bool inWord = false;
    char quote = 0;
    for (; at < line.size(); ++at) {
        const char c = line[at];
        if (quote) {
            if (c == quote)
                quote = 0;
            else if (c == '\\' && quote == '"' && at + 1 < line.size())
                word += line[++at];
            else
                word += c;
            continue;
        }
        if (c == '|' || c == '>') break;
        if (isBlank(c)) {
            if (inWord) words.push_back(std::move(word));
            word.clear();
            inWord = false;
            continue;
        }
        inWord = true;
        if (c == '\'' || c == '"')
            quote = c;
        else if (c == '\\' && at + 1 < line.size())
            word += line[++at];
        else
            word += c;
    }
    if (quote) return fail(Errc::Usage, std::string("unclosed ") + quote + " quote");
    if (inWord) words.push_back(std::move(word));
    return words;
}

} // namespace

Result<ShellLine> parseShellLine(const std::string& line) {
    ShellLine out;
    size_t at = 0;
    auto words = readWords(line, at);
    if (!words) return tl::unexpected(words.error());
    out.words = std::move(*words);
    if (at == line.size()) return out;
    if (out.words.empty())
        return fail(Errc::Usage, std::string("'") + line[at] + "' needs a command before it");
    if (line[at] == '|') {
        out.sink = ShellLine::Sink::Pipe;
        out.target = trimmed(line.substr(at + 1));
        if (out.target.empty()) return fail(Errc::Usage, "'|' needs a command after it");
        return out;
    }
    const bool append = line.compare(at, 2, ">>") == 0;
    out.sink = append ? ShellLine::Sink::AppendFile : ShellLine::Sink::File;
    at += append ? 2 : 1;
    auto file = readWords(line, at);
    if (!file) return tl::unexpected(file.error());
    if (at != line.size()) return fail(Errc::Usage, "output can go to one file or one command");
    if (file->size() != 1)
        return fail(Errc::Usage, std::string(append ? "'>>'" : "'>'") + " needs one file name");
    out.target = file->front();
    return out;
}

} // namespace panicscope::cli
