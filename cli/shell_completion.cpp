// What TAB offers in the shell (shell.h: shellCompletions).
#include "shell.h"
#include "verbs.h"

#include <algorithm>
#include <set>

namespace panicscope::cli {

namespace {

constexpr size_t kMaxSymbols = 1000; // readline lists them; more is no help to anyone typing

std::vector<std::string> wordsOf(std::string_view text) {
    std::vector<std::string> words;
    size_t at = 0;
    while (at < text.size()) {
        const size_t begin = text.find_first_not_of(" \t", at);
        if (begin == std::string_view::npos) break;
        const size_t end = std::min(text.find_first_of(" \t", begin), text.size());
        words.emplace_back(text.substr(begin, end - begin));
        at = end;
    }
    return words;
}

// Each '|'-separated spelling of the options.
void addOptionNames(std::set<std::string>& out, std::span<const OptionSpec> specs) {
    for (const auto& spec : specs) {
        std::string_view names = spec.names;
        while (!names.empty()) {
            const size_t bar = names.find('|');
            out.emplace(names.substr(0, bar));
            names = bar == std::string_view::npos ? "" : names.substr(bar + 1);
        }
    }
}

std::vector<std::string> withPrefix(const std::set<std::string>& names, std::string_view prefix) {
    std::vector<std::string> out;
    for (const auto& n : names)
        if (n.starts_with(prefix)) out.push_back(n);
    return out;
}

std::vector<std::string> pids(const model::Session& session, std::string_view prefix) {
    auto tasks = session.tasks();
    if (!tasks) return {};
    std::vector<std::string> out;
    for (const auto& t : tasks->tasks) {
        std::string pid = std::to_string(t.pid);
        if (pid.starts_with(prefix) && (out.empty() || out.back() != pid))
            out.push_back(std::move(pid));
    }
    return out;
}

} // namespace

std::vector<std::string> shellCompletions(const model::Session& session, std::string_view before,
                                          std::string_view prefix) {
    const auto words = wordsOf(before);
    std::set<std::string> names;
    if (words.empty() || (words.size() == 1 && words[0] == "help")) {
        for (const auto& v : allVerbs())
            if (std::string_view(v.name) != "shell") names.emplace(v.name);
        if (words.empty()) names.insert({"help", "quit", "exit"});
        return withPrefix(names, prefix);
    }
    const Verb* verb = findVerb(words[0]);
    if (!verb) return {};
    if (prefix.starts_with('-')) {
        addOptionNames(names, verb->options);
        names.insert({"--json", "--help"});
        return withPrefix(names, prefix);
    }
    const std::string_view name = verb->name;
    if (name == "bt" || name == "ps") return pids(session, prefix);
    if (name == "sym" && !prefix.empty()) return session.symbolNames(prefix, kMaxSymbols);
    return {};
}

} // namespace panicscope::cli
