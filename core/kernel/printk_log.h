// The kernel log from the lockless printk ring buffer (kernel >= 5.10): what dmesg would show.
#pragma once

#include "kernel/kernel_view.h"
#include "kernel/log_record.h"

#include <cstdint>
#include <string>
#include <vector>

namespace panicscope::kernel {

// Reads `prb` (struct printk_ringbuffer): every committed or finalized descriptor from tail to
// head, with its text from the data ring. Records that cannot be read are skipped with a warning.
Result<KernelLog> readKernelLog(const KernelView& view);

struct KernelLogTail {
    KernelLog log;      // the newest records, by sequence number
    bool whole = false; // there are no older ones
};
// The newest `maxRecords` records, reading only their text (a dump's ring can hold megabytes):
// for the facts of the crash, which its last records tell.
Result<KernelLogTail> readKernelLogTail(const KernelView& view, size_t maxRecords);

} // namespace panicscope::kernel
