#include "kernel/task_state.h"

#include <gtest/gtest.h>

using panicscope::kernel::taskStateLetter;

TEST(TaskState, MatchesTaskStateToChar) {
    EXPECT_EQ(taskStateLetter(0x0, 0), 'R');
    EXPECT_EQ(taskStateLetter(0x1, 0), 'S');
    EXPECT_EQ(taskStateLetter(0x2, 0), 'D');
    EXPECT_EQ(taskStateLetter(0x4, 0), 'T');
    EXPECT_EQ(taskStateLetter(0x8, 0), 't');
    EXPECT_EQ(taskStateLetter(0x0, 0x10), 'X');
    EXPECT_EQ(taskStateLetter(0x0, 0x20), 'Z');
    EXPECT_EQ(taskStateLetter(0x40, 0), 'P');
    EXPECT_EQ(taskStateLetter(0x402, 0), 'I');  // TASK_IDLE
    EXPECT_EQ(taskStateLetter(0x102, 0), 'D');  // TASK_KILLABLE
    EXPECT_EQ(taskStateLetter(0x1000, 0), 'D'); // TASK_RTLOCK_WAIT
    EXPECT_EQ(taskStateLetter(0x800, 0), 'R');  // TASK_NEW: not a reported state
}
