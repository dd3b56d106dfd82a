#include "dump/memory.h"

#include <vector>

namespace panicscope::dump {

Result<std::string> Memory::readCString(uint64_t address, size_t maxLength) const {
    std::string out;
    // Read in chunks that never cross a page, so a string near an absent page still reads.
    while (out.size() < maxLength) {
        const uint64_t at = address + out.size();
        const size_t toPageEnd = 4096 - (at & 4095);
        const size_t chunk = std::min(toPageEnd, maxLength - out.size());
        std::vector<std::byte> buf(chunk);
        if (auto r = read(at, buf); !r) {
            if (!out.empty()) break;
            return tl::unexpected(r.error());
        }
        for (std::byte b : buf) {
            if (b == std::byte{0}) return out;
            out.push_back(static_cast<char>(b));
        }
    }
    return out;
}

} // namespace panicscope::dump
