// bt -f: the stack words each frame owns, from its stack pointer up to the next frame's, as
// crash's `bt -f` prints them under each frame.
#pragma once

#include "unwind/frame.h"

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace panicscope::report {

// At most this many bytes a frame: a stack is 16 KiB, and a frame with more is not one.
inline constexpr uint64_t kMaxFrameWordBytes = 4096;

// For each physical frame of `trace`, the [begin, end) of its words: from its sp to the next
// frame's sp when the next frame is on the same stack above it, else (the last frame on a stack)
// to the end of its stack. nullopt for a user-mode frame or one whose stack is unknown; capped at
// kMaxFrameWordBytes.
std::vector<std::optional<std::pair<uint64_t, uint64_t>>>
frameWordRanges(const unwind::StackTrace& trace);

} // namespace panicscope::report
