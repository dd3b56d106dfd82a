// Little-endian binary encoding for panicscope's own cache files: a writer, and a reader that
// never reads past its bytes (a damaged or foreign file reads as "no value", never as garbage
// sizes or a crash).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace panicscope {

class ByteWriter {
  public:
    template <class T> void put(T value) {
        static_assert(std::is_trivially_copyable_v<T>);
        bytes_.append(reinterpret_cast<const char*>(&value), sizeof value);
    }
    void putString(std::string_view s) {
        put<uint32_t>(static_cast<uint32_t>(s.size()));
        bytes_.append(s);
    }
    std::string& bytes() { return bytes_; }

  private:
    std::string bytes_;
};

class ByteReader {
  public:
    explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}
    template <class T> std::optional<T> get() {
        static_assert(std::is_trivially_copyable_v<T>);
        if (bytes_.size() - at_ < sizeof(T)) return std::nullopt;
        T value;
        std::memcpy(&value, bytes_.data() + at_, sizeof value);
        at_ += sizeof value;
        return value;
    }
    std::optional<std::string> getString() {
        auto view = getStringView();
        return view ? std::optional<std::string>(*view) : std::nullopt;
    }
    // The same without a copy: a view into the reader's bytes.
    std::optional<std::string_view> getStringView() {
        auto size = get<uint32_t>();
        if (!size || bytes_.size() - at_ < *size) return std::nullopt;
        std::string_view s = bytes_.substr(at_, *size);
        at_ += *size;
        return s;
    }
    // The next `size` bytes as they are (records a caller decodes in bulk).
    std::optional<std::string_view> getBytes(size_t size) {
        if (bytes_.size() - at_ < size) return std::nullopt;
        std::string_view s = bytes_.substr(at_, size);
        at_ += size;
        return s;
    }
    bool atEnd() const { return at_ == bytes_.size(); }
    size_t remaining() const { return bytes_.size() - at_; }

  private:
    std::string_view bytes_;
    size_t at_ = 0;
};

} // namespace panicscope
