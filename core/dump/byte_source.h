// Bytes read by offset: a dump file on disk (RawFile) or a copy in memory (a fuzz target's
// input). The checks of a dump's headers read through this, so they run the same on both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace panicscope::dump {

class ByteSource {
  public:
    virtual ~ByteSource() = default;
    // Reads exactly `size` bytes at `offset`; false on a short read or an error.
    virtual bool readAt(uint64_t offset, void* out, size_t size) const = 0;
    virtual uint64_t size() const = 0;
};

class BytesInMemory final : public ByteSource {
  public:
    explicit BytesInMemory(std::span<const std::byte> bytes) : bytes_(bytes) {}
    bool readAt(uint64_t offset, void* out, size_t size) const override {
        if (offset > bytes_.size() || size > bytes_.size() - offset) return false;
        if (size) std::memcpy(out, bytes_.data() + offset, size);
        return true;
    }
    uint64_t size() const override { return bytes_.size(); }

  private:
    std::span<const std::byte> bytes_;
};

} // namespace panicscope::dump
