#include "symbols/debuginfod_client.h"

#ifdef PANICSCOPE_HAVE_DEBUGINFOD
#include <elfutils/debuginfod.h>

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#endif

namespace panicscope::symbols {

#ifdef PANICSCOPE_HAVE_DEBUGINFOD

namespace {

// libdebuginfod is opened when a fetch is first asked for, not linked: it pulls in libcurl and
// some thirty libraries behind it (TLS, Kerberos, LDAP), whose loading and relocation cost every
// run of panicscope about 30 ms -- a quarter of a `bt` -- though few runs ever fetch. elfutils'
// own libdwfl opens it the same way.
constexpr const char* kLibrary = "libdebuginfod.so.1";

struct Api {
    decltype(&debuginfod_begin) begin = nullptr;
    decltype(&debuginfod_end) end = nullptr;
    decltype(&debuginfod_set_user_data) setUserData = nullptr;
    decltype(&debuginfod_get_user_data) getUserData = nullptr;
    decltype(&debuginfod_set_progressfn) setProgressfn = nullptr;
    decltype(&debuginfod_find_debuginfo) findDebuginfo = nullptr;
    std::string error; // why the library could not be used, when it cannot
};

template <typename F> void bind(void* handle, const char* name, F& slot, std::string& error) {
    slot = reinterpret_cast<F>(::dlsym(handle, name));
    if (!slot && error.empty()) error = std::string(kLibrary) + " lacks " + name;
}

// Opened once per process, kept open (the library keeps curl's global state).
const Api& api() {
    static const Api loaded = [] {
        Api a;
        void* handle = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            a.error = std::string("cannot load ") + kLibrary +
                      " (install libdebuginfod1): " + ::dlerror();
            return a;
        }
        bind(handle, "debuginfod_begin", a.begin, a.error);
        bind(handle, "debuginfod_end", a.end, a.error);
        bind(handle, "debuginfod_set_user_data", a.setUserData, a.error);
        bind(handle, "debuginfod_get_user_data", a.getUserData, a.error);
        bind(handle, "debuginfod_set_progressfn", a.setProgressfn, a.error);
        bind(handle, "debuginfod_find_debuginfo", a.findDebuginfo, a.error);
        return a;
    }();
    return loaded;
}

int reportProgress(debuginfod_client* client, long done, long total) {
    const auto* progress =
        static_cast<const DebuginfodClient::Progress*>(api().getUserData(client));
    if (progress && *progress) (*progress)(done, total);
    return 0; // go on
}

struct ClientEnder {
    void operator()(debuginfod_client* c) const { api().end(c); }
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
    return api().error.empty();
}

Result<std::string> DebuginfodClient::fetchDebugInfo(const std::string& buildId,
                                                     const Progress& progress) const {
    const Api& lib = api();
    if (!lib.error.empty())
        return fail(Errc::Unsupported,
                    "cannot fetch build ID " + buildId + " from debuginfod: " + lib.error);
    std::lock_guard lock(queryMutex());
    const char* current = std::getenv(DEBUGINFOD_URLS_ENV_VAR);
    if (!current || urls_ != current) ::setenv(DEBUGINFOD_URLS_ENV_VAR, urls_.c_str(), 1);
    std::unique_ptr<debuginfod_client, ClientEnder> client(lib.begin());
    if (!client) return fail(Errc::Io, "debuginfod: cannot start the client");
    lib.setUserData(client.get(), const_cast<Progress*>(&progress));
    if (progress) lib.setProgressfn(client.get(), reportProgress);
    char* path = nullptr;
    // A build ID length of 0 means: the build ID is given as a hex string.
    const int fd = lib.findDebuginfo(
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
