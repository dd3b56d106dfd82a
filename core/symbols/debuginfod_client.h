// Debug files fetched by build ID from debuginfod servers, through elfutils' libdebuginfod, into
// the client's own cache ($DEBUGINFOD_CACHE_PATH, else $XDG_CACHE_HOME/debuginfod_client or
// ~/.cache/debuginfod_client): a second fetch of the same build ID is a cache hit. Optional: a
// build without libdebuginfod answers every fetch with Errc::Unsupported.
#pragma once

#include "util/result.h"

#include <functional>
#include <string>

namespace panicscope::symbols {

class DebuginfodClient {
  public:
    // (bytes received, total bytes or 0 when the server has not said), now and then.
    using Progress = std::function<void(long done, long total)>;

    // `urls`: servers as DEBUGINFOD_URLS lists them, separated by spaces.
    explicit DebuginfodClient(std::string urls) : urls_(std::move(urls)) {}

    // Whether this build of panicscope can fetch at all (was linked with libdebuginfod).
    static bool supported();
    const std::string& urls() const { return urls_; }

    // The cached path of the debug file (an ELF with DWARF: a vmlinux, a module's .ko) of
    // `buildId` (normalised hex). Errc::VmlinuxMissing with the servers' answer ("Not found",
    // "Connection refused") when none has it; Errc::Unsupported without libdebuginfod.
    Result<std::string> fetchDebugInfo(const std::string& buildId, const Progress& progress) const;

  private:
    std::string urls_;
};

} // namespace panicscope::symbols
