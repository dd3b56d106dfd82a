#include "kernel/task_state.h"

#include <bit>

namespace panicscope::kernel {

namespace {
constexpr uint32_t kTaskUninterruptible = 0x2;
constexpr uint32_t kTaskReport = 0x7f; // RUNNING..PARKED bits that ps reports
constexpr uint32_t kTaskNoload = 0x400;
constexpr uint32_t kTaskIdle = kTaskUninterruptible | kTaskNoload;
constexpr uint32_t kTaskRtlockWait = 0x1000;
constexpr char kLetters[] = "RSDTtXZPI";
} // namespace

char taskStateLetter(uint32_t state, uint32_t exitState) {
    uint32_t reported = (state | exitState) & kTaskReport;
    if (state == kTaskIdle) reported = kTaskReport + 1; // TASK_REPORT_IDLE: shows as I
    if (state == kTaskRtlockWait) reported = kTaskUninterruptible;
    const int index = std::bit_width(reported); // fls(): 0 for running
    return kLetters[index];
}

} // namespace panicscope::kernel
