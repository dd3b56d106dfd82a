#include "triage/batch_inputs.h"

#include "util/file_magic.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

namespace panicscope::triage {

namespace fs = std::filesystem;

namespace {

// The dump files under `dir`, sorted; an unreadable subdirectory is skipped.
Result<std::vector<std::string>> dumpsUnder(const std::string& dir) {
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    if (ec) return fail(Errc::Io, dir + ": cannot read the directory: " + ec.message());
    std::vector<std::string> found;
    for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
        if (ec) return fail(Errc::Io, dir + ": cannot read the directory: " + ec.message());
        std::error_code statError;
        if (!it->is_regular_file(statError)) continue; // a symlink to a file counts, not to a dir
        if (recognizeDumpMagic(it->path().string())) found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    return found;
}

} // namespace

BatchInputs collectBatchInputs(const std::vector<std::string>& paths) {
    BatchInputs out;
    std::set<std::string> seen;
    auto add = [&](const std::string& path) {
        if (seen.insert(path).second) out.dumps.push_back(path);
    };
    for (const auto& path : paths) {
        std::error_code ec;
        if (!fs::is_directory(path, ec)) {
            add(path);
            continue;
        }
        auto found = dumpsUnder(path);
        if (!found) {
            out.failures.push_back({path, found.error().message});
            continue;
        }
        for (const auto& dump : *found)
            add(dump);
    }
    return out;
}

Result<std::vector<std::string>> readPathList(std::istream& in) {
    std::vector<std::string> paths;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) paths.push_back(line);
    }
    if (in.bad()) return fail(Errc::Io, "cannot read the list of dumps");
    return paths;
}

Result<std::vector<std::string>> readPathListFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) return fail(Errc::Io, "cannot open the list " + path);
    auto paths = readPathList(in);
    if (!paths) return fail(Errc::Io, "cannot read the list " + path);
    return paths;
}

} // namespace panicscope::triage
