// panicscope with no vmlinux on disk fetches it, and the test module's debug file, by build ID
// from a local debuginfod server (Debian's `debuginfod`), and prints the same file:line frames as
// with the files given. The server scans a directory of links to the generated kernels' vmlinux
// and panicscope_crash.ko files (-F -L): the generator extracts the vmlinux from the -dbg .deb and
// deletes the ~1 GB .deb, and indexing one takes minutes where plain ELF files take a second.
// panicscope runs as its own process with a scratch HOME and DEBUGINFOD_CACHE_PATH.
#include "dump_manifest.h"
#include "symbols/build_id.h"

#include <cstdlib>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <thread>

extern char** environ;

namespace panicscope::testing {
namespace {

namespace fs = std::filesystem;
constexpr const char* kKernel61 = "6.1.0-56-cloud-amd64";
constexpr const char* kKernel612 = "6.12.117+deb12-cloud-amd64";

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

struct ProcessResult {
    int status = -1;
    std::string out, err;
};

// Starts `argv` with exactly `env`, stdout and stderr into files under `dir`; the pid, or -1.
pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
            const fs::path& out, const fs::path& err) {
    std::vector<char*> args, envp;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    for (const auto& e : env)
        envp.push_back(const_cast<char*>(e.c_str()));
    args.push_back(nullptr);
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = -1;
    const int error = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    return error == 0 ? pid : -1;
}

ProcessResult run(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                  const fs::path& dir) {
    ProcessResult r;
    const pid_t pid = spawn(argv, env, dir / "out", dir / "err");
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return r;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = readFile(dir / "out");
    r.err = readFile(dir / "err");
    return r;
}

// A TCP port nobody listens on now (the kernel's pick for port 0).
int freePort() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof a;
    int port = -1;
    if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &length) == 0)
        port = ntohs(a.sin_port);
    ::close(s);
    return port;
}

// The body of GET `path` on 127.0.0.1:`port`, empty when it cannot connect.
std::string httpGet(int port, const std::string& path) {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string reply;
    if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        const std::string request = "GET " + path + " HTTP/1.0\r\n\r\n";
        if (::write(s, request.data(), request.size()) == ssize_t(request.size())) {
            char buffer[4096];
            for (ssize_t n; (n = ::read(s, buffer, sizeof buffer)) > 0;)
                reply.append(buffer, size_t(n));
        }
    }
    ::close(s);
    return reply;
}

// A debuginfod server on 127.0.0.1 over `files` (linked into a scratch directory), stopped at
// the end of the test. debuginfod 0.188 has no option to bind one address: it listens on the
// port on every interface, for the few seconds of the test.
class DebuginfodServer {
  public:
    DebuginfodServer(const fs::path& dir, const std::vector<std::string>& files) : dir_(dir) {
        fs::create_directories(dir / "files");
        for (size_t i = 0; i < files.size(); ++i)
            fs::create_symlink(
                files[i],
                dir / "files" / (std::to_string(i) + "-" + fs::path(files[i]).filename().string()));
        port_ = freePort();
        // -t 0 -g 0: one scan, no grooming; no source scan: only build IDs are asked for.
        pid_ = spawn({"debuginfod", "-F", "-L", "--disable-source-scan", "-t", "0", "-g", "0", "-c",
                      "2", "-p", std::to_string(port_), "-d", (dir / "db.sqlite").string(),
                      (dir / "files").string()},
                     {"PATH=/usr/bin:/bin", "HOME=" + dir.string()}, dir / "server.out",
                     dir / "server.log");
        files_ = files.size();
    }
    ~DebuginfodServer() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::string log() const { return readFile(dir_ / "server.log"); }

    // Waits until the server has traversed its directory and scanned every file (its /metrics
    // say so; a counter still at 0 is not listed); false after 60 s or when it did not start.
    bool waitUntilScanned() const {
        auto counter = [](const std::string& metrics, const char* name) -> unsigned long {
            std::smatch m;
            const std::regex pattern(std::string(name) + R"( (\d+))");
            return std::regex_search(metrics, m, pattern) ? std::stoul(m[1]) : 0;
        };
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
            const std::string metrics = httpGet(port_, "/metrics");
            if (counter(metrics, R"(thread_work_total\{role="traverse"\})") >= 1 &&
                counter(metrics, R"(scanned_files_total\{source="file"\})") >= files_ &&
                metrics.find("thread_work_pending{role=\"scan\"} 0") != std::string::npos &&
                metrics.find("thread_busy{role=\"scan\"} 0") != std::string::npos)
                return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        return false;
    }

  private:
    fs::path dir_;
    int port_ = -1;
    pid_t pid_ = -1;
    size_t files_ = 0;
};

class Debuginfod : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new fs::path(fs::path(::testing::TempDir()) /
                            ("panicscope-debuginfod-" + std::to_string(::getpid())));
        fs::remove_all(*dir_);
        // Both kernels' vmlinux and module: the server must hand out the one of the build ID.
        std::vector<std::string> files;
        for (const char* kernel : {kKernel61, kKernel612}) {
            const auto& row = modBug(kernel);
            files.push_back(row.vmlinux);
            files.push_back((fs::path(row.vmlinux).parent_path() / "panicscope_crash.ko").string());
        }
        const auto start = std::chrono::steady_clock::now();
        server_ = new DebuginfodServer(*dir_ / "server", files);
        scanned_ = server_->waitUntilScanned();
        scanSeconds_ =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    static void TearDownTestSuite() {
        delete server_;
        fs::remove_all(*dir_);
        delete dir_;
    }
    static const DumpRow& modBug(const std::string& kernel) {
        return manifestRow(kernel, "mod-bug", "kdump", "kdump-zlib");
    }
    // The environment of a machine with nothing installed: a scratch HOME and client cache, no
    // DEBUGINFOD_URLS (the servers come from --debuginfod), no index cache.
    static std::vector<std::string> bareEnvironment(const fs::path& home) {
        std::vector<std::string> env{"PATH=/usr/bin:/bin", "HOME=" + home.string(),
                                     "DEBUGINFOD_CACHE_PATH=" + (home / "debuginfod").string(),
                                     "PANICSCOPE_INDEX_DIR="};
        // The sanitizer run's options (the leak suppressions for libkdumpfile) go through.
        for (const char* name : {"ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS"})
            if (const char* value = std::getenv(name))
                // stderr is compared: no "Suppressions used" table on it.
                env.push_back(
                    std::string(name) + "=" + value +
                    (std::string_view(name) == "LSAN_OPTIONS" ? ":print_suppressions=0" : ""));
        return env;
    }

    static fs::path* dir_;
    static DebuginfodServer* server_;
    static bool scanned_;
    static double scanSeconds_;
};

fs::path* Debuginfod::dir_ = nullptr;
DebuginfodServer* Debuginfod::server_ = nullptr;
bool Debuginfod::scanned_ = false;
double Debuginfod::scanSeconds_ = 0;

TEST_F(Debuginfod, FetchesTheVmlinuxAndModuleAndPrintsTheSameLines) {
    ASSERT_TRUE(scanned_) << "debuginfod did not start or scan in 60 s (scripts/install-deps.sh "
                             "installs it):\n"
                          << server_->log();
    RecordProperty("scan_seconds", std::to_string(scanSeconds_));
    for (const char* kernel : {kKernel61, kKernel612}) {
        SCOPED_TRACE(kernel);
        const auto& row = modBug(kernel);
        const fs::path home = *dir_ / (std::string("home-") + kernel);
        fs::create_directories(home);
        const auto fetchedRun =
            run({PANICSCOPE_BINARY, "bt", "-l", row.dump, "--debuginfod", server_->url()},
                bareEnvironment(home), home);
        ASSERT_EQ(fetchedRun.status, 0) << fetchedRun.err;
        const auto given =
            run({PANICSCOPE_BINARY, "bt", "-l", row.dump, "--vmlinux", row.vmlinux, "--module-dir",
                 fs::path(row.vmlinux).parent_path().string(), "--debuginfod", ""},
                bareEnvironment(home), home);
        ASSERT_EQ(given.status, 0) << given.err;
        EXPECT_EQ(fetchedRun.out, given.out);
        // file:line in the module (the BUG() in its source) and in the vmlinux.
        EXPECT_TRUE(std::regex_search(
            fetchedRun.out,
            std::regex(R"(\[panicscope_crash\] at [0-9a-f]+  panicscope_crash\.c:\d+\n)")))
            << fetchedRun.out;
        EXPECT_TRUE(std::regex_search(
            fetchedRun.out,
            std::regex(R"(\+0x[0-9a-f]+/0x[0-9a-f]+ at [0-9a-f]+  fs/\S+\.c:\d+\n)")))
            << fetchedRun.out;
        // What was fetched is the dump's build, in the client's cache; said once on stderr (not
        // a terminal: one line per file, no progress).
        const auto info =
            run({PANICSCOPE_BINARY, "info", "--json", row.dump, "--debuginfod", server_->url()},
                bareEnvironment(home), home);
        ASSERT_EQ(info.status, 0) << info.err;
        EXPECT_EQ(info.err, "") << "a second run takes the cached file";
        const auto facts = nlohmann::json::parse(info.out);
        const std::string vmlinux = facts["vmlinux"], buildId = facts["build_id"];
        EXPECT_EQ(vmlinux, (home / "debuginfod" / buildId / "debuginfo").string());
        // The server had both kernels: it is this dump's (the session checked it against
        // VMCOREINFO's BUILD-ID too).
        EXPECT_EQ(buildId, symbols::readFileBuildId(row.vmlinux).value());
        EXPECT_NE(fetchedRun.err.find("panicscope: fetching the vmlinux for " + row.kernel +
                                      " (build ID " + buildId + ") from debuginfod at " +
                                      server_->url() + "...\n"),
                  std::string::npos)
            << fetchedRun.err;
        EXPECT_NE(fetchedRun.err.find("panicscope: fetching module panicscope_crash's debug file"),
                  std::string::npos)
            << fetchedRun.err;
    }
}

TEST_F(Debuginfod, AMissOrNoServerFallsBackToTheDumpAloneSayingWhy) {
    const auto& row = modBug(kKernel61);
    const fs::path home = *dir_ / "home-miss";
    fs::create_directories(home);
    // A server without this build, then no server at all on a free port.
    // A server with another kernel's module only (its counters need one file to appear).
    const DebuginfodServer empty(
        *dir_ / "empty",
        {(fs::path(modBug(kKernel612).vmlinux).parent_path() / "panicscope_crash.ko").string()});
    ASSERT_TRUE(empty.waitUntilScanned()) << empty.log();
    for (const std::string& url : {empty.url(), "http://127.0.0.1:" + std::to_string(freePort())}) {
        const auto r = run({PANICSCOPE_BINARY, "info", row.dump, "--debuginfod", url},
                           bareEnvironment(home), home);
        // The dump alone serves instead (its kallsyms, BTF and ORC), and the warning says why.
        EXPECT_EQ(r.status, 0) << r.err;
        EXPECT_NE(r.out.find("RELEASE: " + row.kernel), std::string::npos) << r.out;
        // The fetching line comes once the client talks to a server (not for a refused
        // connection).
        const std::regex message(
            "(panicscope: fetching the vmlinux for " + row.kernel +
            R"( \(build ID [0-9a-f]{40}\) from debuginfod at )" + url +
            R"(\.\.\.\n)?panicscope: warning: no vmlinux \(no vmlinux for \S+ with build ID ([0-9a-f]{40}) found \(give --vmlinux FILE; looked in [^\n]*\); debuginfod \()" +
            url +
            R"(\) has no debug file for build ID \2: [^\n]+\): symbols, types and unwind data come from the dump's memory [^\n]+\n)");
        EXPECT_TRUE(std::regex_match(r.err, message)) << r.err;
    }
}

} // namespace
} // namespace panicscope::testing
