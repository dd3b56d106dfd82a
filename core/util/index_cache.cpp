#include "util/index_cache.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace panicscope {

namespace {

constexpr std::string_view kMagic = "panicscope-index 1\n";
constexpr size_t kMaxEntry = 256u << 20; // a bound against a damaged or foreign file

std::optional<std::string> rootDirectory() {
    if (const char* dir = std::getenv("PANICSCOPE_INDEX_DIR"))
        return *dir ? std::optional<std::string>(dir) : std::nullopt;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return std::string(xdg) + "/panicscope/index";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.cache/panicscope/index";
    return std::nullopt;
}

// "size:mtime_ns" of a file, empty when it cannot be stat'ed.
std::string fileStamp(const char* path) {
    struct stat st;
    if (::stat(path, &st) != 0) return {};
    return std::to_string(st.st_size) + ":" +
           std::to_string(st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
}

bool safeName(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
    return true;
}

} // namespace

IndexCache IndexCache::forFile(const std::string& path, const std::string& buildId) {
    IndexCache cache;
    auto root = rootDirectory();
    const std::string file = fileStamp(path.c_str());
    const std::string self = fileStamp("/proc/self/exe");
    if (!root || !safeName(buildId) || file.empty() || self.empty()) return cache;
    cache.directory_ = *root + "/" + buildId;
    cache.stamp_ = "vmlinux " + file + " panicscope " + self + "\n";
    return cache;
}

std::optional<std::string> IndexCache::load(std::string_view name) const {
    if (!enabled() || !safeName(name)) return std::nullopt;
    std::ifstream in(directory_ + "/" + std::string(name), std::ios::binary);
    if (!in) return std::nullopt;
    std::string header(kMagic.size() + stamp_.size(), '\0');
    if (!in.read(header.data(), static_cast<std::streamsize>(header.size())) ||
        header != std::string(kMagic) + stamp_)
        return std::nullopt;
    // One read into a buffer of the body's size: a stream copy would touch the (megabytes of)
    // bytes three times, and the page faults of that were most of a warm `bt`'s system time.
    const std::streamoff bodyStart = in.tellg();
    in.seekg(0, std::ios::end);
    const std::streamoff end = in.tellg();
    if (bodyStart < 0 || end < bodyStart || static_cast<uint64_t>(end - bodyStart) > kMaxEntry)
        return std::nullopt;
    std::string bytes(static_cast<size_t>(end - bodyStart), '\0');
    in.seekg(bodyStart);
    if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) return std::nullopt;
    return bytes;
}

void IndexCache::save(std::string_view name, const std::string& bytes) const {
    if (!enabled() || !safeName(name) || bytes.size() > kMaxEntry) return;
    std::error_code ec;
    std::filesystem::create_directories(directory_, ec);
    if (ec) return;
    const std::string target = directory_ + "/" + std::string(name);
    const std::string temporary = target + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << kMagic << stamp_;
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out.flush()) {
            std::filesystem::remove(temporary, ec);
            return;
        }
    }
    std::filesystem::rename(temporary, target, ec);
    if (ec) std::filesystem::remove(temporary, ec);
}

} // namespace panicscope
