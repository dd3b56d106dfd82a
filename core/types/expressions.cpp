#include "types/expressions.h"

#include "util/hex.h"

namespace panicscope::types {

namespace {

constexpr unsigned kMaxCpuId = 8191; // CONFIG_NR_CPUS on x86-64 (MAXSMP)

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    for (size_t start = 0;;) {
        const size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

// "se.vruntime": identifiers joined by dots.
bool isMemberPath(std::string_view path) {
    for (std::string_view part : split(path, '.'))
        if (!isIdentifier(part)) return false;
    return true;
}

} // namespace

bool isIdentifier(std::string_view text) {
    if (text.empty() || (text.front() >= '0' && text.front() <= '9')) return false;
    for (const char c : text)
        if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9')))
            return false;
    return true;
}

Result<TypeSelection> parseTypeSelection(std::string_view text) {
    TypeSelection out;
    const size_t dot = text.find('.');
    out.type = std::string(text.substr(0, dot));
    if (!isIdentifier(out.type))
        return fail(Errc::Usage, "'" + std::string(text) + "' is no type name");
    if (dot == std::string_view::npos) return out;
    for (std::string_view member : split(text.substr(dot + 1), ',')) {
        if (!isMemberPath(member))
            return fail(Errc::Usage, "'" + std::string(member) + "' in '" + std::string(text) +
                                         "' is no member name");
        out.members.emplace_back(member);
    }
    return out;
}

Result<VariableExpression> parseVariableExpression(std::string_view text) {
    VariableExpression out;
    const size_t colon = text.find(':');
    const std::string_view path = text.substr(0, colon);
    const size_t dot = path.find('.');
    out.variable = std::string(path.substr(0, dot));
    if (!isIdentifier(out.variable))
        return fail(Errc::Usage, "'" + std::string(text) + "' is no variable name");
    if (dot != std::string_view::npos) {
        out.memberPath = std::string(path.substr(dot + 1));
        if (!isMemberPath(out.memberPath))
            return fail(Errc::Usage, "'" + out.memberPath + "' is no member name");
    }
    if (colon == std::string_view::npos) return out;
    const std::string_view cpus = text.substr(colon + 1);
    out.cpus.emplace();
    if (cpus == "a" || cpus == "all") {
        out.allCpus = true;
        return out;
    }
    for (std::string_view cpu : split(cpus, ',')) {
        const auto id = parseDecimal(cpu);
        if (!id || *id > kMaxCpuId)
            return fail(Errc::Usage, "'" + std::string(cpus) +
                                         "' is no CPU list (a CPU number, several separated by "
                                         "commas, or 'a' for all)");
        out.cpus->push_back(static_cast<unsigned>(*id));
    }
    return out;
}

} // namespace panicscope::types
