// What is costly to compute from a vmlinux and never changes for it (the entry-call table, ...),
// kept between runs in a directory per build ID: a second run loads it in milliseconds.
//
// Where: $PANICSCOPE_INDEX_DIR, else $XDG_CACHE_HOME/panicscope/index, else
// ~/.cache/panicscope/index; PANICSCOPE_INDEX_DIR set but empty turns the cache off. An entry is
// used only when it was written for the same vmlinux file (build ID, size, modification time) by
// code built from the same core sources (a hash of them, made at build time: the CLI, the tests
// and the Python module share entries, and any change to the core computes afresh); anything
// else, a damaged file included, is ignored and rewritten. Files are
// written to a temporary name and renamed, so readers never see half a file.
#pragma once

#include "util/mapped_file.h"

#include <optional>
#include <string>
#include <string_view>

namespace panicscope {

class IndexCache {
  public:
    // A cache for the vmlinux at `path` with GNU build ID `buildId` (hex); a disabled one when
    // the build ID is empty, the file cannot be stat'ed, or the cache is turned off.
    static IndexCache forFile(const std::string& path, const std::string& buildId);

    // The bytes stored under `name` for this file and binary, if any, mapped (views into them
    // may keep the mapping through MappedFile::owner()).
    std::optional<MappedFile> load(std::string_view name) const;
    // Stores them; failures (a read-only disk, ...) only mean the next run computes again.
    void save(std::string_view name, const std::string& bytes) const;
    bool enabled() const { return !directory_.empty(); }

    // The value under `name`: decode(entry) of a stored entry when that gives one, else
    // build(), stored with encode(value) when it is a value (a Result that holds an error is
    // returned unstored). decode returns an optional of the value type.
    template <class Build, class Decode, class Encode>
    auto loadOrBuild(std::string_view name, Decode decode, Build build, Encode encode) const
        -> decltype(build()) {
        if (auto entry = load(name))
            if (auto value = decode(*entry)) return std::move(*value);
        auto built = build();
        if constexpr (requires { built.has_value(); }) {
            if (built) save(name, encode(*built));
        } else {
            save(name, encode(built));
        }
        return built;
    }

  private:
    std::string directory_; // empty: disabled
    std::string stamp_;     // what an entry must have been written for
};

} // namespace panicscope
