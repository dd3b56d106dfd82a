// Fixed-size fields read from and written into a file's bytes, as the tests that take dump and
// ELF headers apart do (unaligned, host byte order: x86-64 files on an x86-64 host).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

namespace panicscope::testing {

template <class T> T get(const std::string& bytes, uint64_t at) {
    T v{};
    std::memcpy(&v, bytes.data() + at, sizeof v);
    return v;
}

template <class T> void put(std::string& bytes, uint64_t at, T v) {
    std::memcpy(bytes.data() + at, &v, sizeof v);
}

} // namespace panicscope::testing
