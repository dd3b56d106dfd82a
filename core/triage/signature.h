// A crash's signature: a short stable hash of its kind, its title and the top meaningful frames,
// kept with what it was made from. No addresses, offsets, pids or CPU numbers go in, so the same
// bug on two boots, two CPUs or two builds of one kernel gets the same signature.
#pragma once

#include "triage/crash_kind.h"
#include "triage/trace_frame.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace panicscope::triage {

// How many frames from the guilty one on go into a signature.
inline constexpr size_t kSignatureFrames = 3;

struct Signature {
    std::string hash;                // 16 hex digits
    std::vector<std::string> frames; // the normalized function names hashed
    std::string input;               // the exact text hashed: kind, title, frames, one a line
};

// 64-bit FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3): the hash of a
// signature. Its definition is fixed: changing it would change every stored signature.
uint64_t fnv1a64(std::string_view bytes);

// The signature of a crash: the kind's key, the title, and up to kSignatureFrames names from
// `frames` (the guilty frame first), normalized, stopping at entry code or where another
// context begins.
Signature makeSignature(CrashKind kind, std::string_view title,
                        const std::vector<TraceFrame>& frames);

} // namespace panicscope::triage
