#include "triage/result_cache.h"

#include "triage/signature.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace panicscope::triage {

namespace {

constexpr std::string_view kMagic = "panicscope-triage-cache 1\n";
constexpr size_t kMaxRecord = 16u << 20; // a bound against a damaged or foreign file

std::optional<std::string> rootDirectory() {
    if (const char* dir = std::getenv("PANICSCOPE_TRIAGE_CACHE_DIR"))
        return *dir ? std::optional<std::string>(dir) : std::nullopt;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return std::string(xdg) + "/panicscope/triage";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.cache/panicscope/triage";
    return std::nullopt;
}

std::string hex16(uint64_t value) {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
    return text;
}

// The key is one line: newlines in a path or an option would let two keys read alike.
std::string oneLine(std::string text) {
    for (char& c : text)
        if (c == '\n') c = ' ';
    return text;
}

} // namespace

std::string fileStamp(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return {};
    return std::to_string(st.st_size) + ":" +
           std::to_string(st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
}

ResultCache ResultCache::open(const std::string& resultOptions) {
    ResultCache cache;
    auto root = rootDirectory();
    const std::string self = fileStamp("/proc/self/exe");
    if (!root || self.empty()) return cache;
    cache.directory_ = *root;
    cache.context_ = "panicscope " + self + " options " + oneLine(resultOptions);
    return cache;
}

std::optional<std::string> ResultCache::keyOf(const std::string& path) const {
    struct stat st;
    if (!enabled() || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    return "dump " + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" +
           std::to_string(st.st_size) + ":" +
           std::to_string(st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec) + " " + context_ +
           "\n";
}

std::optional<std::string> ResultCache::load(const std::string& path) const {
    auto key = keyOf(path);
    if (!key) return std::nullopt;
    std::ifstream in(directory_ + "/" + hex16(fnv1a64(*key)), std::ios::binary);
    if (!in) return std::nullopt;
    std::string line;
    if (!std::getline(in, line) || line + "\n" != kMagic) return std::nullopt;
    if (!std::getline(in, line) || line + "\n" != *key) return std::nullopt;
    std::string record;
    if (!std::getline(in, record) || record.empty() || record.size() > kMaxRecord)
        return std::nullopt;
    if (in.peek() != std::ifstream::traits_type::eof()) return std::nullopt; // one record only
    return record;
}

void ResultCache::save(const std::string& path, const std::string& record) const {
    auto key = keyOf(path);
    if (!key || record.empty() || record.size() > kMaxRecord ||
        record.find('\n') != std::string::npos)
        return;
    std::error_code ec;
    std::filesystem::create_directories(directory_, ec);
    if (ec) return;
    const std::string target = directory_ + "/" + hex16(fnv1a64(*key));
    const std::string temporary = target + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << kMagic << *key << record << '\n';
        if (!out.flush()) {
            std::filesystem::remove(temporary, ec);
            return;
        }
    }
    std::filesystem::rename(temporary, target, ec);
    if (ec) std::filesystem::remove(temporary, ec);
}

} // namespace panicscope::triage
