#include "triage/console_line.h"

#include <array>
#include <cctype>

namespace panicscope::triage {

namespace {

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// "Dec 02 05:54:26 host kernel: text" or "2026-12-02T05:54:26.1+00:00 host kernel: text".
std::string_view stripJournal(std::string_view s) {
    const bool monthDate = s.size() > 16 && std::isupper(static_cast<unsigned char>(s[0])) &&
                           s[3] == ' ' && s[9] == ':' && s[12] == ':';
    const bool isoDate = s.size() > 20 && isDigit(s[0]) && s[4] == '-' && s[10] == 'T';
    if (!monthDate && !isoDate) return s;
    const size_t kernel = s.find(" kernel: ");
    if (kernel == std::string_view::npos || kernel > 120) return s;
    return s.substr(kernel + 9);
}

// `dmesg -x`: "kern  :warn  : text".
std::string_view stripFacilityLevel(std::string_view s) {
    static constexpr std::array<std::string_view, 8> kLevels = {"emerg", "alert",  "crit", "err",
                                                                "warn",  "notice", "info", "debug"};
    const size_t colon = s.find(':');
    if (colon == std::string_view::npos || colon > 8) return s;
    for (size_t i = 0; i < colon; ++i)
        if (!std::islower(static_cast<unsigned char>(s[i])) && s[i] != ' ') return s;
    std::string_view rest = s.substr(colon + 1);
    for (auto level : kLevels) {
        if (!rest.starts_with(level)) continue;
        size_t i = level.size();
        while (i < rest.size() && rest[i] == ' ')
            ++i;
        if (i < rest.size() && rest[i] == ':')
            return rest.substr(i + 1 < rest.size() ? i + 2 : i + 1);
    }
    return s;
}

// /dev/kmsg: "LEVEL,SEQ,USEC,FLAGS[,...];text".
std::string_view stripKmsg(std::string_view s) {
    size_t i = 0, commas = 0;
    while (i < s.size() && (isDigit(s[i]) || s[i] == ',' || s[i] == '-' || s[i] == 'c')) {
        if (s[i] == ',') ++commas;
        ++i;
    }
    if (commas >= 3 && i < s.size() && s[i] == ';' && isDigit(s[0])) return s.substr(i + 1);
    return s;
}

// "<4>" (and "<12>" with a facility).
std::string_view stripLevel(std::string_view s) {
    if (s.size() < 3 || s[0] != '<') return s;
    size_t i = 1;
    while (i < s.size() && i < 5 && isDigit(s[i]))
        ++i;
    if (i > 1 && i < s.size() && s[i] == '>') return s.substr(i + 1);
    return s;
}

// "[   12.505477]" or a caller id "[    T1]" / "[  C0]", with the one space after it.
bool stripBracket(std::string_view& s) {
    if (s.empty() || s[0] != '[') return false;
    const size_t close = s.find(']');
    if (close == std::string_view::npos || close > 20 || close < 2) return false;
    std::string_view inside = s.substr(1, close - 1);
    while (!inside.empty() && inside.front() == ' ')
        inside.remove_prefix(1);
    if (inside.empty()) return false;
    bool timestamp = true, caller = inside[0] == 'T' || inside[0] == 'C';
    for (size_t i = 0; i < inside.size(); ++i) {
        timestamp = timestamp && (isDigit(inside[i]) || inside[i] == '.');
        caller = caller && (i == 0 || isDigit(inside[i]));
    }
    if (!timestamp && !(caller && inside.size() > 1)) return false;
    s.remove_prefix(close + 1);
    if (!s.empty() && s[0] == ' ') s.remove_prefix(1);
    return true;
}

} // namespace

std::string_view stripConsolePrefix(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
        line.remove_suffix(1);
    line = stripJournal(line);
    line = stripFacilityLevel(line);
    line = stripKmsg(line);
    line = stripLevel(line);
    for (int i = 0; i < 2 && stripBracket(line); ++i) {
    }
    return line;
}

} // namespace panicscope::triage
