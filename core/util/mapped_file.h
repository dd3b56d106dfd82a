// A read-only mapping of a whole file, shared by its copies: the bytes stay valid while any
// copy lives. For files we wrote ourselves (the index cache): they are replaced by rename, never
// truncated in place, so a mapping never reads past a shrunk file.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace panicscope {

class MappedFile {
  public:
    // The file's bytes, with its pages mapped up front (one system call instead of one page
    // fault per page: faults were most of a warm run's system time). nullopt when the file
    // cannot be opened, is not a regular file, or is larger than `maxBytes`.
    static std::optional<MappedFile> open(const std::string& path, size_t maxBytes);

    std::string_view bytes() const { return bytes_; }
    // The bytes from `offset` on, sharing this mapping (empty past the end).
    MappedFile from(size_t offset) const;
    // Keeps the mapping alive for views into bytes() held elsewhere.
    const std::shared_ptr<const void>& owner() const { return mapping_; }

  private:
    std::shared_ptr<const void> mapping_;
    std::string_view bytes_;
};

} // namespace panicscope
