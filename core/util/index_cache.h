// What is costly to compute from a vmlinux and never changes for it (the entry-call table, ...),
// kept between runs in a directory per build ID: a second run loads it in milliseconds.
//
// Where: $PANICSCOPE_INDEX_DIR, else $XDG_CACHE_HOME/panicscope/index, else
// ~/.cache/panicscope/index; PANICSCOPE_INDEX_DIR set but empty turns the cache off. An entry is
// used only when it was written for the same vmlinux file (build ID, size, modification time) by
// the same panicscope binary (its size and modification time: a rebuilt or upgraded panicscope
// computes afresh); anything else, a damaged file included, is ignored and rewritten. Files are
// written to a temporary name and renamed, so readers never see half a file.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace panicscope {

class IndexCache {
  public:
    // A cache for the vmlinux at `path` with GNU build ID `buildId` (hex); a disabled one when
    // the build ID is empty, the file cannot be stat'ed, or the cache is turned off.
    static IndexCache forFile(const std::string& path, const std::string& buildId);

    // The bytes stored under `name` for this file and binary, if any.
    std::optional<std::string> load(std::string_view name) const;
    // Stores them; failures (a read-only disk, ...) only mean the next run computes again.
    void save(std::string_view name, const std::string& bytes) const;
    bool enabled() const { return !directory_.empty(); }

  private:
    std::string directory_; // empty: disabled
    std::string stamp_;     // what an entry must have been written for
};

} // namespace panicscope
