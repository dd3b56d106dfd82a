// The text of `runq`, in crash's shape: per CPU its rq, the current task, the RT and CFS queues.
#pragma once

#include "model/values.h"

#include <ostream>

namespace panicscope::report {

void printRunQueues(std::ostream& out, const model::RunQueueTable& queues);

} // namespace panicscope::report
