// Read access to a crashed kernel's memory: the one interface the kernel model and the unwinder
// read through, so tests can hand them a FakeMemory instead of a dump.
#pragma once

#include "util/result.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <type_traits>

namespace panicscope::dump {

enum class AddressSpace { KernelVirtual, Physical };

class Memory {
  public:
    virtual ~Memory() = default;
    // Fills all of `out` or fails; a page filtered out of the dump is Errc::NotInDump, never zeros.
    virtual Result<void> read(uint64_t address, std::span<std::byte> out,
                              AddressSpace space = AddressSpace::KernelVirtual) const = 0;

    // A trivially copyable value in the dump's (little-endian x86-64) byte order.
    template <class T> Result<T> readValue(uint64_t address) const {
        static_assert(std::is_trivially_copyable_v<T>);
        std::array<std::byte, sizeof(T)> raw;
        if (auto r = read(address, raw); !r) return tl::unexpected(r.error());
        T value;
        std::memcpy(&value, raw.data(), sizeof(T));
        return value;
    }
    Result<uint64_t> readU64(uint64_t address) const { return readValue<uint64_t>(address); }
    Result<uint32_t> readU32(uint64_t address) const { return readValue<uint32_t>(address); }

    // A NUL-terminated string of at most maxLength bytes (shorter if the NUL comes first).
    Result<std::string> readCString(uint64_t address, size_t maxLength) const;
};

} // namespace panicscope::dump
