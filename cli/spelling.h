// Did-you-mean for mistyped names (verbs today; options and symbols could use it too).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace panicscope::cli {

// The name in `names` closest to `word`: within 2 edits (Levenshtein distance), or the only
// name `word` is a prefix of; nullopt when nothing is close or two are equally close.
std::optional<std::string> closestName(std::string_view word,
                                       std::span<const std::string_view> names);

} // namespace panicscope::cli
