#include "spelling.h"

#include <algorithm>
#include <vector>

namespace panicscope::cli {

namespace {

// Edits between a and b, a swap of two neighbours counting as one ("tb" -> "bt"): the
// optimal-string-alignment distance.
size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min(
                {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

} // namespace

std::optional<std::string> closestName(std::string_view word,
                                       std::span<const std::string_view> names) {
    constexpr size_t kMaxEdits = 2;
    std::optional<std::string> best;
    size_t bestDistance = kMaxEdits + 1;
    bool tie = false;
    for (auto name : names) {
        const size_t d = editDistance(word, name);
        if (d < bestDistance) {
            best = std::string(name), bestDistance = d, tie = false;
        } else if (d == bestDistance) {
            tie = true;
        }
    }
    if (best && !tie && bestDistance < std::max(word.size(), size_t{1})) return best;
    std::optional<std::string> prefixed;
    for (auto name : names) {
        if (!word.empty() && name.starts_with(word)) {
            if (prefixed) return std::nullopt;
            prefixed = std::string(name);
        }
    }
    return prefixed;
}

} // namespace panicscope::cli
