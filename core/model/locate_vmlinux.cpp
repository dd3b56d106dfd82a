// How a session finds its vmlinux when none is given: by the dump's build ID first (it names the
// exact build), then by release name, then from debuginfod.
#include "model/debuginfod_fetch.h"
#include "model/find_vmlinux.h"
#include "symbols/build_id.h"
#include "symbols/vmlinux.h"
#include "util/dump_text.h"

#include <filesystem>

namespace panicscope::model {
namespace {

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items)
        out += (out.empty() ? "" : ", ") + item;
    return out;
}

} // namespace

Result<std::string> locateVmlinux(const std::string& release,
                                  const std::vector<std::string>& debugDirs,
                                  const std::optional<std::string>& buildId) {
    std::vector<std::string> tried, skipped;
    std::optional<std::string> id;
    if (buildId)
        if (auto normal = symbols::normalizeBuildId(*buildId)) id = *normal;
    if (id) {
        tried = symbols::buildIdDebugPaths(*id, debugDirs);
        if (auto found = symbols::findFileWithBuildId(tried, *id, skipped)) return *found;
    }
    if (!isPlainPathComponent(release))
        return fail(Errc::VmlinuxMissing, "the dump's release \"" +
                                              escapeControlCharacters(release) +
                                              "\" cannot name a file; give --vmlinux FILE");
    const auto candidates = symbols::vmlinuxCandidates(release, debugDirs);
    tried.insert(tried.end(), candidates.begin(), candidates.end());
    if (id) {
        // A file under the release's name may be another build of it: only the same build ID.
        if (auto found = symbols::findFileWithBuildId(candidates, *id, skipped)) return *found;
    } else {
        for (const auto& path : candidates) {
            std::error_code ec;
            if (std::filesystem::is_regular_file(path, ec)) return path;
        }
    }
    std::string message = "no vmlinux for " + release + (id ? " with build ID " + *id : "") +
                          " found (give --vmlinux FILE; looked in " + joined(tried) + ")";
    if (!skipped.empty()) message += "; skipped: " + joined(skipped);
    return fail(Errc::VmlinuxMissing, message);
}

Result<std::string> findVmlinux(const SessionOptions& options, const std::string& release,
                                const std::optional<std::string>& buildId) {
    auto found = locateVmlinux(release, options.debugDirs, buildId);
    if (found || options.debuginfodUrls.empty()) return found;
    std::optional<std::string> id;
    if (buildId)
        if (auto normal = symbols::normalizeBuildId(*buildId)) id = *normal;
    if (!id)
        return fail(Errc::VmlinuxMissing,
                    found.error().message + "; debuginfod: the dump gives no build ID to ask for");
    auto fetched = fetchDebugFile(symbols::DebuginfodClient(options.debuginfodUrls), *id,
                                  "the vmlinux for " + escapeControlCharacters(release),
                                  options.progress, options.note);
    if (fetched) return fetched;
    // A miss or an offline server: Session::open goes on from the dump alone (kallsyms, BTF
    // and ORC from its memory) and says why in its warning.
    return fail(Errc::VmlinuxMissing, found.error().message + "; " + fetched.error().message);
}

} // namespace panicscope::model
