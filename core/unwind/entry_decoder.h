// The entry-code decoder behind the entry-call table (private to unwind/): follows the stack
// pointer from each entry point through the entry code with Capstone and reports, for every call
// it reaches, where the pt_regs the entry code saved lies relative to the stack pointer there.
//
// The model: a pt_regs is found by its saved ip. At an entry point the hardware frame is known
// (ip at pt_regs + 128); pushes and stores at pt_regs + 128 write an ip, and `push disp(%reg)`
// copies one (the int3 gap and the NMI's "outermost" frame are such copies). After every step the
// frame in use is the lowest saved ip at or above rsp, so a copy becomes the pt_regs the C handler
// gets, as the kernel intends. Stack switches: a value read from per-CPU memory is the top of a
// stack, on which the entry code builds a pt_regs right below the top (syscalls, NMI from user
// mode); a C function known to return a struct pt_regs * (sync_regs, ...) returns the base of a
// complete copy. Calls into the decoded code are followed (error_entry, paranoid_entry), calls
// out of it are C calls (System V ABI). Whatever does not fit this model is reported, not guessed.
#pragma once

#include "unwind/frame.h"

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace panicscope::unwind::entry {

// What the stack holds when an entry point starts.
enum class EntryFrame {
    Iret,          // the hardware frame: rsp at pt_regs.ip (pt_regs + 128)
    IretErrorCode, // the hardware frame and an error code or vector: rsp at pt_regs.orig_ax (+120)
    None,          // nothing yet (syscall: rsp is still the user's)
    TaskTop,       // rsp == pt_regs, a complete one (ret_from_fork)
};

struct EntryPoint {
    uint64_t address = 0;
    BoundaryKind kind = BoundaryKind::Exception;
    EntryFrame frame = EntryFrame::Iret;
};

// Code the decoder may follow, at its link-time address.
struct CodeRegion {
    uint64_t address = 0;
    std::string_view bytes;
};

// An alternative (.altinstructions) that may replace the code at `address` at boot.
struct PatchSite {
    uint64_t address = 0;
    size_t length = 0; // of the original code; the replacement is padded with nops to it
    uint64_t replacementAddress = 0;
    std::string_view replacement;
};

struct DecoderInput {
    std::vector<CodeRegion> regions;
    std::vector<EntryPoint> entryPoints;
    std::vector<PatchSite> patchSites;
    std::set<uint64_t> returnThunks;  // a `jmp` there is a `ret` (__x86_return_thunk)
    std::set<uint64_t> regsReturning; // C functions returning a struct pt_regs *
};

struct DecodedCall {
    uint64_t callAddress = 0;
    uint64_t returnAddress = 0;
    uint64_t target = 0; // 0 for an indirect call
    int64_t ptRegsOffset = 0;
    bool fullRegs = true;
    BoundaryKind kind = BoundaryKind::Exception;
    uint64_t function = 0; // the entry point or entry helper (error_entry, ...) the call is in
    bool patched = false;  // made by an alternative's replacement code
};

// The reason given for the calls of an ordinary function the entry code calls (clear_bhb_loop):
// it returns with the stack as it found it, may be called from anywhere, so they get no row.
inline constexpr std::string_view kOrdinaryFunction =
    "in a function that returns like any other (callable from anywhere): no pt_regs relation";

struct DecodeProblem {
    uint64_t address = 0;
    std::string reason;
};

struct DecodeResult {
    std::vector<DecodedCall> calls; // by return address; one per (return address, target)
    std::vector<DecodeProblem> problems;
};

DecodeResult decodeEntryCalls(const DecoderInput& input);

} // namespace panicscope::unwind::entry
