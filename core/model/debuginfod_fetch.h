// Fetching a debug file from debuginfod as the user sees it (private to model/): a progress line
// while it downloads when the caller shows progress (a terminal), else one note that it started.
#pragma once

#include "symbols/debuginfod_client.h"
#include "util/result.h"

#include <functional>
#include <string>

namespace panicscope::model {

using TextCallback = std::function<void(const std::string&)>;

// The cached path of `buildId`'s debug file; `what` names it for the user ("the vmlinux for
// 6.1.0-56-cloud-amd64", "module ext4").
Result<std::string> fetchDebugFile(const symbols::DebuginfodClient& client,
                                   const std::string& buildId, const std::string& what,
                                   const TextCallback& progress, const TextCallback& note);

} // namespace panicscope::model
