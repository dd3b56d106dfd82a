#include "symbols/debuginfod_client.h"

#ifdef PANICSCOPE_HAVE_DEBUGINFOD
#include <elfutils/debuginfod.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <unistd.h>
#endif

namespace panicscope::symbols {

#ifdef PANICSCOPE_HAVE_DEBUGINFOD

namespace {

int reportProgress(debuginfod_client* client, long done, long total) {
    const auto* progress =
        static_cast<const DebuginfodClient::Progress*>(debuginfod_get_user_data(client));
    if (progress && *progress) (*progress)(done, total);
    return 0; // go on
}

struct ClientEnder {
    void operator()(debuginfod_client* c) const { debuginfod_end(c); }
};

// libdebuginfod (0.188) takes its server list only from DEBUGINFOD_URLS, read at each query; there
// is no per-client setting. So the list a caller chose is put there, unless it is already the
// one, and queries are serialised so that no two lists race.
std::mutex& queryMutex() {
    static std::mutex mutex;
    return mutex;
}

} // namespace

bool DebuginfodClient::supported() {
    return true;
}

Result<std::string> DebuginfodClient::fetchDebugInfo(const std::string& buildId,
                                                     const Progress& progress) const {
    std::lock_guard lock(queryMutex());
    const char* current = std::getenv(DEBUGINFOD_URLS_ENV_VAR);
    if (!current || urls_ != current) ::setenv(DEBUGINFOD_URLS_ENV_VAR, urls_.c_str(), 1);
    std::unique_ptr<debuginfod_client, ClientEnder> client(debuginfod_begin());
    if (!client) return fail(Errc::Io, "debuginfod: cannot start the client");
    debuginfod_set_user_data(client.get(), const_cast<Progress*>(&progress));
    if (progress) debuginfod_set_progressfn(client.get(), reportProgress);
    char* path = nullptr;
    // A build ID length of 0 means: the build ID is given as a hex string.
    const int fd = debuginfod_find_debuginfo(
        client.get(), reinterpret_cast<const unsigned char*>(buildId.c_str()), 0, &path);
    if (fd < 0)
        return fail(Errc::VmlinuxMissing, "debuginfod (" + urls_ +
                                              ") has no debug file for build ID " + buildId + ": " +
                                              std::strerror(-fd));
    ::close(fd);
    std::string out = path ? path : "";
    std::free(path);
    if (out.empty()) return fail(Errc::Io, "debuginfod: no path for build ID " + buildId);
    return out;
}

#else

bool DebuginfodClient::supported() {
    return false;
}

Result<std::string> DebuginfodClient::fetchDebugInfo(const std::string& buildId,
                                                     const Progress&) const {
    return fail(Errc::Unsupported, "cannot fetch build ID " + buildId +
                                       " from debuginfod: panicscope was built without "
                                       "libdebuginfod (install libdebuginfod-dev and rebuild)");
}

#endif

} // namespace panicscope::symbols
