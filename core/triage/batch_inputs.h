// The dumps a batch triage runs over (`triage DUMP|DIR...`, `--list FILE`): directories searched
// for dump files by their magic, list files read, each path once.
#pragma once

#include "util/result.h"

#include <istream>
#include <string>
#include <vector>

namespace panicscope::triage {

// An argument that gave no dump to analyze: a directory that cannot be read.
struct InputFailure {
    std::string path;
    std::string message;
};

struct BatchInputs {
    std::vector<std::string> dumps; // in the order given, a directory's files sorted by path
    std::vector<InputFailure> failures;
};

// A directory is searched recursively (symlinked directories are not followed) for regular
// files whose first bytes are a dump's (recognizeDumpMagic: ELF core, kdump-compressed,
// makedumpfile flattened); anything else is taken as given, so a file that is no dump gets its
// error record when it is analyzed. A path given twice is analyzed once.
BatchInputs collectBatchInputs(const std::vector<std::string>& paths);

// The paths a --list file names: one per line (a trailing '\r' dropped), empty lines skipped.
Result<std::vector<std::string>> readPathList(std::istream& in);
Result<std::vector<std::string>> readPathListFile(const std::string& path);

} // namespace panicscope::triage
