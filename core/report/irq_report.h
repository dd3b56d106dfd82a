// The text of `irq`: /proc/interrupts' table, with the handlers named.
#pragma once

#include "model/values.h"

#include <ostream>

namespace panicscope::report {

// "IRQ  CPU0  CPU1  NAME  HANDLER" per IRQ with an action; shared lines list every action,
// comma-separated.
void printInterrupts(std::ostream& out, const model::InterruptTable& table);

} // namespace panicscope::report
