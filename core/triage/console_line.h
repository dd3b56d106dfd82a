// One line of kernel text as a console, netconsole, pstore, `dmesg` or `journalctl -k` saved
// it, reduced to the text printk wrote: without the timestamp, the log level, the caller id or
// the journal's date, host and "kernel:".
#pragma once

#include <string_view>

namespace panicscope::triage {

// Strips, in the order they nest: a journal prefix ("Dec 02 05:54:26 host kernel: " or an ISO
// date), a `dmesg -x` prefix ("kern  :warn  : "), a /dev/kmsg prefix ("4,123,4567,-;"), a level
// ("<4>"), a timestamp ("[   12.505477]") and a caller id ("[    T1]", "[  C0]"), and a trailing
// '\r'. The rest keeps its leading spaces (frame lines start with one).
std::string_view stripConsolePrefix(std::string_view line);

} // namespace panicscope::triage
