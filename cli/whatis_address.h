// What an address is, for `kmem ADDR` and `whatis ADDR`: one function both verbs call once
// their argument parsed as an address.
#pragma once

#include "model/session.h"
#include "options.h"

#include <cstdint>
#include <ostream>

namespace panicscope::cli {

// `detailed`: kmem's summary line and one line per fact; else whatis's one line. --json gives
// {"address": {...}} either way.
int runDescribeAddress(const model::Session& session, uint64_t address, bool detailed,
                       const Options& options, std::ostream& out, std::ostream& err);

} // namespace panicscope::cli
