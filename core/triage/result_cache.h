// Batch triage results kept between runs, so a re-run over a directory of thousands of dumps
// analyzes only the new ones.
//
// Where: $PANICSCOPE_TRIAGE_CACHE_DIR, else $XDG_CACHE_HOME/panicscope/triage, else
// ~/.cache/panicscope/triage (PANICSCOPE_TRIAGE_CACHE_DIR set but empty: no cache).
//
// The key is the dump file's identity as stat() gives it -- device, inode, size, modification
// time in nanoseconds -- not a hash of its content: checking a cached dump costs one stat and no
// read (thousands of dumps on a network file system), and a dump rewritten or still being written
// changes its size or time. Beside it: the panicscope binary (size and time of /proc/self/exe: a
// rebuilt or upgraded panicscope analyzes afresh) and `resultOptions`, the options that change a
// result (the vmlinux given, with its own size and time, --debug-dir, --module-dir). An entry is
// one file named by a hash of its key and holding the whole key, so a hash collision, a damaged
// file or one of another version is a miss; entries are written to a temporary name and renamed.
#pragma once

#include <optional>
#include <string>

namespace panicscope::triage {

class ResultCache {
  public:
    // A disabled cache when no directory is known or the binary cannot be stat'ed.
    static ResultCache open(const std::string& resultOptions);

    // The record stored for the dump at `path` as it is now (one JSON line), if any.
    std::optional<std::string> load(const std::string& path) const;
    // Stores it; failures (a read-only disk, ...) only mean the next run analyzes again.
    void save(const std::string& path, const std::string& record) const;
    bool enabled() const { return !directory_.empty(); }
    const std::string& directory() const { return directory_; }

  private:
    std::optional<std::string> keyOf(const std::string& path) const;
    std::string directory_; // empty: disabled
    std::string context_;   // the binary and options part of every key
};

// "size:mtime_ns" of a file, empty when it cannot be stat'ed: the identity of a vmlinux or of
// the binary in a key.
std::string fileStamp(const std::string& path);

} // namespace panicscope::triage
