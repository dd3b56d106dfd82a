#include "report/frame_words.h"

#include <algorithm>

namespace panicscope::report {

std::vector<std::optional<std::pair<uint64_t, uint64_t>>>
frameWordRanges(const unwind::StackTrace& trace) {
    std::vector<std::optional<std::pair<uint64_t, uint64_t>>> out;
    const auto& frames = trace.frames;
    for (size_t i = 0; i < frames.size(); ++i) {
        const unwind::Frame& f = frames[i];
        if (f.userMode || !f.stack.contains(f.sp, 1)) {
            out.push_back(std::nullopt);
            continue;
        }
        uint64_t end = f.stack.end;
        if (i + 1 < frames.size()) {
            const unwind::Frame& next = frames[i + 1];
            if (!next.userMode && next.stack.begin == f.stack.begin && next.sp <= f.stack.end)
                end = std::max(next.sp, f.sp); // a next sp below this one: no words
        }
        end = std::min(end, f.sp + kMaxFrameWordBytes);
        out.push_back(std::pair{f.sp, end});
    }
    return out;
}

} // namespace panicscope::report
