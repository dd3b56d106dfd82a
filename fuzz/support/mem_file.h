// A fuzz input as a file: an anonymous in-memory file (memfd_create) reached by its
// /proc/self/fd path, so the code under test opens it exactly as it opens a dump on disk, through
// the same checks the CLI runs.
#pragma once

#include <string>
#include <string_view>

namespace panicscope::fuzz {

class MemFile {
  public:
    // Aborts when the kernel cannot make one: a harness failure, not a finding.
    explicit MemFile(std::string_view bytes);
    ~MemFile();
    MemFile(const MemFile&) = delete;
    MemFile& operator=(const MemFile&) = delete;

    const std::string& path() const { return path_; }

  private:
    int fd_;
    std::string path_;
};

} // namespace panicscope::fuzz
