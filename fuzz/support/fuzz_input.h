// Reads a fuzz input as a little-endian record stream: fixed-size values, then byte runs. Past
// the end every read gives zeros / empty, so a target never checks lengths itself and every
// prefix of an input is an input too.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace panicscope::fuzz {

class FuzzInput {
  public:
    FuzzInput(const uint8_t* data, size_t size)
        : bytes_(reinterpret_cast<const char*>(data), size) {}
    explicit FuzzInput(std::string_view bytes) : bytes_(bytes) {}

    template <class T> T take() {
        static_assert(std::is_trivially_copyable_v<T>);
        T value{};
        const size_t n = std::min(sizeof(T), bytes_.size());
        std::memcpy(&value, bytes_.data(), n);
        bytes_.remove_prefix(n);
        return value;
    }
    // The next `size` bytes, fewer at the end.
    std::string_view takeBytes(size_t size) {
        const std::string_view out = bytes_.substr(0, std::min(size, bytes_.size()));
        bytes_.remove_prefix(out.size());
        return out;
    }
    // A run prefixed by its u32 length.
    std::string_view takeSized() { return takeBytes(take<uint32_t>()); }
    std::string_view rest() {
        const std::string_view out = bytes_;
        bytes_ = {};
        return out;
    }
    bool empty() const { return bytes_.empty(); }

  private:
    std::string_view bytes_;
};

} // namespace panicscope::fuzz
