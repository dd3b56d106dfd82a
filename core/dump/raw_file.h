// A dump file read by offset, for the headers panicscope reads itself (format checks before
// libkdumpfile, and the kdump notes libkdumpfile does not decode).
#pragma once

#include "dump/byte_source.h"
#include "util/result.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace panicscope::dump {

class RawFile final : public ByteSource {
  public:
    // Errc::Io naming the path and the system's reason when it cannot be opened or stat'ed.
    static Result<RawFile> open(const std::string& path);
    ~RawFile() override;
    RawFile(RawFile&& other) noexcept;
    RawFile& operator=(RawFile&&) = delete;
    RawFile(const RawFile&) = delete;
    RawFile& operator=(const RawFile&) = delete;

    // Reads exactly `size` bytes at `offset`; false on a short read or an error (errno says).
    bool readAt(uint64_t offset, void* out, size_t size) const override;
    uint64_t size() const override { return size_; }
    bool isDirectory() const { return directory_; }

  private:
    RawFile(int fd, uint64_t size, bool directory) : fd_(fd), size_(size), directory_(directory) {}
    int fd_;
    uint64_t size_;
    bool directory_;
};

} // namespace panicscope::dump
