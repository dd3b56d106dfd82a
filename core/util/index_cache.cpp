#include "util/index_cache.h"

#include "code_fingerprint.h"

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
    if (!root || !safeName(buildId) || file.empty()) return cache;
    cache.directory_ = *root + "/" + buildId;
    cache.stamp_ = "vmlinux " + file + " code " + PANICSCOPE_CODE_FINGERPRINT + "\n";
    return cache;
}

std::optional<MappedFile> IndexCache::load(std::string_view name) const {
    if (!enabled() || !safeName(name)) return std::nullopt;
    auto file = MappedFile::open(directory_ + "/" + std::string(name), kMaxEntry + 4096);
    const std::string header = std::string(kMagic) + stamp_;
    if (!file || !file->bytes().starts_with(header)) return std::nullopt;
    return file->from(header.size());
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
