// `triage` over many dumps: `triage [-j N] [--json] DUMP|DIR...`, `--list FILE`, the result
// cache, `--group`, `--from-json FILE...`. Each dump is analyzed by a worker process (this binary
// running `triage --json DUMP`), so a dump that crashes or hangs its worker becomes an error
// record and the batch goes on.
#pragma once

#include "options.h"

#include <optional>
#include <ostream>
#include <vector>

namespace panicscope::cli {

// The options of the batch, for triage's option table.
std::vector<OptionSpec> triageBatchOptions();

// True when `options` ask for a batch rather than the report of one dump: a batch option, more
// than one path, or a directory.
bool wantsTriageBatch(const Options& options);

// Runs the batch; the exit status: 0, 1 when any input failed, 2 on a usage error.
int runTriageBatch(const Options& options, std::ostream& out, std::ostream& err);

} // namespace panicscope::cli
