// The kernel's ORC unwind data (.orc_unwind_ip + .orc_unwind): for every text address, how to find
// the caller's stack pointer, frame pointer and return address. Read from the vmlinux file at
// link-time addresses; its packed format is told by the kernel's ORC header or its version (6.1,
// 6.3, 6.4+).
#pragma once

#include "symbols/vmlinux.h"
#include "util/result.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace panicscope::unwind {

enum class OrcType { Undefined, EndOfStack, Call, Regs, RegsPartial };
enum class OrcReg { Undefined, PrevSp, Dx, Di, Bp, Sp, R10, R13, BpIndirect, SpIndirect };

struct OrcEntry {
    int16_t spOffset = 0;
    int16_t bpOffset = 0;
    OrcReg spReg = OrcReg::Undefined;
    OrcReg bpReg = OrcReg::Undefined;
    OrcType type = OrcType::Undefined;
    bool signal = false; // the address is an interrupted one (6.3+; implied by Regs* before)
};

// Which packed layout the kernel wrote.
enum class OrcFormat {
    V6_1, // sp_reg:4 bp_reg:4 type:2 end:1; CALL 0, REGS 1, REGS_PARTIAL 2
    V6_3, // sp_reg:4 bp_reg:4 type:2 signal:1 end:1
    V6_4, // sp_reg:4 bp_reg:4 type:3 signal:1; UNDEFINED 0, END_OF_STACK 1, CALL 2, REGS 3, ...
};

// The format for a kernel release ("6.1.0-56-cloud-amd64" -> V6_1); Errc::Unsupported for
// releases before 4.14 (no ORC) or from 7.1 on (renumbered registers, not verified yet).
Result<OrcFormat> orcFormatForRelease(const std::string& release);

// The format of a vmlinux's ORC tables. Newer kernels (from 6.4 and 6.3.10 by drgn's account;
// Debian's 6.12 has one, its 6.1 not) carry a hash of their ORC definitions in .orc_header
// (__start_orc_header..__stop_orc_header): a hash this reader has seen in a real kernel names the
// format. Without the header, or with a hash it has not seen (a kernel whose definitions changed,
// perhaps not its layout), the release decides, as orcFormatForRelease.
Result<OrcFormat> orcFormatOf(const symbols::Vmlinux& vmlinux);
// The format the vmlinux's .orc_header names; nullopt when it has none or an unknown hash.
std::optional<OrcFormat> orcFormatFromHeader(const symbols::Vmlinux& vmlinux);

// Decodes one packed 6-byte entry.
OrcEntry decodeOrcEntry(std::span<const uint8_t, 6> raw, OrcFormat format);

class OrcTable {
  public:
    OrcTable() = default;
    // Errc::Unsupported when the vmlinux has no ORC data (a frame-pointer kernel). The table
    // views the vmlinux's mapped sections (valid while the Vmlinux lives) and decodes an entry
    // when it is looked up: a walk reads a few hundred of a kernel's ~400,000.
    static Result<OrcTable> fromVmlinux(const symbols::Vmlinux& vmlinux);
    // Over the raw tables in place: .orc_unwind_ip (s32 offsets, each from its own address, the
    // first at `ipBase`) and .orc_unwind (6-byte entries), as many entries as both hold. The
    // bytes must outlive the table. A table out of address order is decoded and sorted.
    static OrcTable fromSections(std::string_view relativeIps, std::string_view packed,
                                 uint64_t ipBase, OrcFormat format);
    // From already-resolved addresses and packed entries (module tables read from memory, tests).
    static OrcTable fromRows(std::vector<uint64_t> addresses, std::vector<OrcEntry> entries);

    // The entry in force at a link-time address: the last one at or below it. nullopt when the
    // address is before the table (or the table is empty).
    std::optional<OrcEntry> find(uint64_t address) const;
    size_t size() const { return size_; }
    // The i-th entry by address (i < size()) and where it starts.
    uint64_t address(size_t i) const;
    OrcEntry entry(size_t i) const;

  private:
    size_t size_ = 0;
    // Decoded rows (fromRows), or else the vmlinux's own tables: .orc_unwind_ip (s32 offsets,
    // each from its own address at ipBase_ + 4 * i) and .orc_unwind (6-byte entries, format_).
    std::vector<uint64_t> addresses_;
    std::vector<OrcEntry> entries_;
    const uint8_t* relativeIps_ = nullptr;
    const uint8_t* packed_ = nullptr;
    uint64_t ipBase_ = 0;
    OrcFormat format_ = OrcFormat::V6_1;
};

} // namespace panicscope::unwind
