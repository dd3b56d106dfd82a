// x86-64 machine code to instructions people read (AT&T syntax, see instruction.h). Capstone
// stays behind the pimpl: front ends include this without capstone.h.
#pragma once

#include "disasm/instruction.h"
#include "util/result.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace panicscope::disasm {

// Decoding writes into one Capstone buffer owned by the object, so the decode calls are not
// const and one Disassembler serves one thread at a time; each thread creates its own (opening
// Capstone is cheap).
class Disassembler {
  public:
    // Fails only when Capstone cannot open an x86-64 handle (built without x86, out of memory).
    static Result<Disassembler> create();

    ~Disassembler();
    Disassembler(Disassembler&&) noexcept;
    Disassembler& operator=(Disassembler&&) noexcept;

    // The instruction at the start of `bytes`, located at `address`; nullopt when the bytes are
    // empty, truncated or no valid instruction.
    std::optional<Instruction> decodeOne(std::span<const uint8_t> bytes, uint64_t address);

    // Up to `maxCount` consecutive instructions from the start of `bytes`. Stops at the first
    // place nothing decodes (bad or truncated bytes) and returns what came before it; the caller
    // can show "(bad)" at address + the sum of the returned sizes.
    std::vector<Instruction> decode(std::span<const uint8_t> bytes, uint64_t address,
                                    size_t maxCount);

  private:
    struct Impl;
    explicit Disassembler(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace panicscope::disasm
