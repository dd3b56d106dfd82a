#include "symbols/memory_image.h"

#include <span>

namespace panicscope::symbols {

std::optional<std::string_view> MemoryImage::read(uint64_t linkAddress, size_t length) const {
    constexpr size_t kMaxRange = 256u << 20;
    if (length > kMaxRange || linkAddress + length < linkAddress) return std::nullopt;
    std::lock_guard lock(mutex_);
    // A range read before that covers this one (a few dozen ranges: a scan is enough).
    for (auto it = ranges_.begin(); it != ranges_.end() && it->first <= linkAddress; ++it)
        if (linkAddress - it->first <= it->second.size() &&
            it->second.size() - (linkAddress - it->first) >= length)
            return std::string_view(it->second).substr(linkAddress - it->first, length);
    std::string bytes(length, '\0');
    if (!memory_.read(linkAddress + slide_,
                      std::as_writable_bytes(std::span(bytes.data(), bytes.size()))))
        return std::nullopt;
    const auto it = ranges_.emplace(linkAddress, std::move(bytes));
    return std::string_view(it->second);
}

} // namespace panicscope::symbols
