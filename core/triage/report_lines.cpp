#include "triage/report_lines.h"

#include "plugin/registry.h"

#include <cctype>
#include <charconv>

namespace panicscope::triage {

namespace {

bool isHex(char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}
bool isSymbolChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == '$';
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// "NAME+0xOFF/0xSIZE" at the start of `s`, returning the rest.
std::optional<std::string_view> symbolOffset(std::string_view s, std::string& name) {
    size_t i = 0;
    while (i < s.size() && isSymbolChar(s[i]))
        ++i;
    if (i == 0 || !s.substr(i).starts_with("+0x")) return std::nullopt;
    name = std::string(s.substr(0, i));
    i += 3;
    const size_t offStart = i;
    while (i < s.size() && isHex(s[i]))
        ++i;
    if (i == offStart || !s.substr(i).starts_with("/0x")) return std::nullopt;
    i += 3;
    const size_t sizeStart = i;
    while (i < s.size() && isHex(s[i]))
        ++i;
    if (i == sizeStart) return std::nullopt;
    return s.substr(i);
}

std::optional<std::string> moduleSuffix(std::string_view rest, bool& ok) {
    rest = trimmed(rest);
    ok = true;
    if (rest.empty()) return std::nullopt;
    if (rest.size() > 2 && rest.front() == '[' && rest.back() == ']')
        return std::string(rest.substr(1, rest.size() - 2));
    ok = false;
    return std::nullopt;
}

} // namespace

std::string_view textAfter(std::string_view s, std::string_view key) {
    const size_t at = s.find(key);
    return at == std::string_view::npos ? std::string_view() : s.substr(at + key.size());
}

std::string_view cutAtFirst(std::string_view s, std::initializer_list<std::string_view> stops) {
    size_t end = s.size();
    for (auto stop : stops)
        end = std::min(end, s.find(stop));
    return trimmed(s.substr(0, end));
}

std::optional<uint64_t> parseHexNumber(std::string_view text) {
    text = trimmed(text);
    if (text.starts_with("0x")) text.remove_prefix(2);
    size_t n = 0;
    while (n < text.size() && isHex(text[n]))
        ++n;
    if (n == 0 || n > 16) return std::nullopt;
    uint64_t value = 0;
    std::from_chars(text.data(), text.data() + n, value, 16);
    return value;
}

std::optional<KindAndStem> classifyHeader(std::string_view line,
                                          const std::vector<plugin::TriageRule>& rules) {
    std::string_view t = trimmed(line);
    while (t.starts_with("Oops: "))
        t.remove_prefix(6);
    for (const auto& rule : rules)
        if (rule.header)
            if (auto kind = rule.header(t)) return kind;
    return std::nullopt;
}

std::optional<KindAndStem> classifyHeader(std::string_view line) {
    return classifyHeader(line, plugin::builtinRegistry().triageRules());
}

bool isDieLine(std::string_view line) {
    std::string_view t = trimmed(line);
    const size_t mark = t.find(" [#");
    if (mark == std::string_view::npos || mark < 6) return false;
    // ": XXXX" right before " [#N]"
    std::string_view code = t.substr(mark - 6, 6);
    if (code[0] != ':' || code[1] != ' ') return false;
    for (size_t i = 2; i < 6; ++i)
        if (!isHex(code[i])) return false;
    return mark + 3 < t.size() && std::isdigit(static_cast<unsigned char>(t[mark + 3]));
}

std::optional<FrameLine> parseFrameLine(std::string_view line) {
    std::string_view t = trimmed(line);
    FrameLine f;
    if (t.starts_with("? ")) {
        f.guess = true;
        t.remove_prefix(2);
    }
    if (t.starts_with("[<")) { // before 4.x: " [<ffffffff81234567>] func+0x1/0x2"
        const size_t close = t.find(">]");
        if (close == std::string_view::npos) return std::nullopt;
        t = trimmed(t.substr(close + 2));
        if (t.starts_with("? ")) {
            f.guess = true;
            t.remove_prefix(2);
        }
    }
    auto rest = symbolOffset(t, f.function);
    if (!rest) return std::nullopt;
    bool ok = false;
    f.module = moduleSuffix(*rest, ok);
    if (!ok) return std::nullopt;
    return f;
}

std::optional<FrameLine> parseRipLine(std::string_view line) {
    std::string_view t = trimmed(line);
    if (!t.starts_with("RIP: ")) return std::nullopt;
    t.remove_prefix(5);
    const size_t colon = t.find(':');
    if (colon == std::string_view::npos || colon > 4) return std::nullopt;
    const std::string_view cs = t.substr(0, colon);
    if (cs == "0033" || cs == "0023" || cs == "002b") return std::nullopt; // user mode
    t = trimmed(t.substr(colon + 1));
    if (t.starts_with("[<")) { // old: "RIP: 0010:[<ffffffff8123>]  [<ffffffff8123>] f+0x1/0x2"
        const size_t close = t.rfind(">]");
        t = close == std::string_view::npos ? t : trimmed(t.substr(close + 2));
    }
    FrameLine f;
    if (t.starts_with("0x")) return f; // no symbol: a jump to a bad address
    auto rest = symbolOffset(t, f.function);
    if (!rest) return std::nullopt;
    bool ok = false;
    f.module = moduleSuffix(*rest, ok);
    return f;
}

std::string taintLetters(std::string_view afterTainted) {
    std::string letters;
    size_t i = 0;
    while (i < afterTainted.size()) {
        while (i < afterTainted.size() && afterTainted[i] == ' ')
            ++i;
        if (i >= afterTainted.size() || std::isdigit(static_cast<unsigned char>(afterTainted[i])))
            break; // the release
        const size_t start = i;
        while (i < afterTainted.size() && afterTainted[i] != ' ')
            ++i;
        std::string_view token = afterTainted.substr(start, i - start);
        bool flags = true;
        for (char c : token)
            flags = flags && std::isupper(static_cast<unsigned char>(c));
        if (!flags) break;
        for (char c : token)
            if (c != 'G') letters += c; // G: "not proprietary", no taint
    }
    return letters;
}

std::optional<CpuLine> parseCpuLine(std::string_view line) {
    std::string_view t = trimmed(line);
    if (!t.starts_with("CPU: ") || t.find(" PID: ") == std::string_view::npos) return std::nullopt;
    CpuLine c;
    unsigned cpu = 0;
    std::string_view cpuText = t.substr(5);
    if (std::from_chars(cpuText.data(), cpuText.data() + cpuText.size(), cpu).ec == std::errc())
        c.cpu = cpu;
    std::string_view pidText = textAfter(t, " PID: ");
    int32_t pid = 0;
    if (std::from_chars(pidText.data(), pidText.data() + pidText.size(), pid).ec == std::errc())
        c.pid = pid;
    c.comm =
        std::string(cutAtFirst(textAfter(t, " Comm: "), {" Kdump:", " Not tainted", " Tainted:"}));
    if (t.find(" Not tainted") != std::string_view::npos)
        c.taint = "";
    else if (t.find(" Tainted: ") != std::string_view::npos)
        c.taint = taintLetters(textAfter(t, " Tainted: "));
    return c;
}

bool splitCommPid(std::string_view text, std::string& comm, int32_t& pid) {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return false;
    std::string_view digits = text.substr(colon + 1);
    if (std::from_chars(digits.data(), digits.data() + digits.size(), pid).ec != std::errc())
        return false;
    comm = std::string(text.substr(0, colon));
    return true;
}

} // namespace panicscope::triage
