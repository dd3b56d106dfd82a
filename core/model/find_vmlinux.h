// The vmlinux a session opens when none is given (private to model/).
#pragma once

#include "model/session.h"

#include <optional>
#include <string>

namespace panicscope::model {

// The vmlinux for a dump of `release` with `buildId` (VMCOREINFO's): locateVmlinux, then
// debuginfod when SessionOptions::debuginfodUrls names servers. The error says where it looked
// and what the servers answered.
Result<std::string> findVmlinux(const SessionOptions& options, const std::string& release,
                                const std::optional<std::string>& buildId);

} // namespace panicscope::model
