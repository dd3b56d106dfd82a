// The one-letter task state that ps, sysrq-t and /proc/PID/stat show.
#pragma once

#include <cstdint>

namespace panicscope::kernel {

// From task_struct.__state and .exit_state, as the kernel's task_state_to_char() computes it:
// R S D T t X Z P I. The TASK_* bit values are user-visible ABI (/proc) and stable since 4.14.
char taskStateLetter(uint32_t state, uint32_t exitState);

} // namespace panicscope::kernel
