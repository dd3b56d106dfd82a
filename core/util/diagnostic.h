// Something a reader of the dump should know that did not stop the answer: a truncated file, a
// task list that broke off, a module whose .ko is of another build.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace panicscope {

struct Diagnostic {
    enum class Severity { Note, Warning };
    std::string source; // what reported it: "dump", "vmlinux", "tasks", "log", "modules", ...
    Severity severity = Severity::Warning;
    std::optional<uint64_t> address; // where, when one address is to blame
    std::string text;                // one line for people, without a "warning:" prefix
};

// Warnings of one source from the strings a layer collected.
inline std::vector<Diagnostic> warningsFrom(const std::string& source,
                                            const std::vector<std::string>& texts) {
    std::vector<Diagnostic> out;
    out.reserve(texts.size());
    for (const auto& t : texts)
        out.push_back({source, Diagnostic::Severity::Warning, std::nullopt, t});
    return out;
}

} // namespace panicscope
