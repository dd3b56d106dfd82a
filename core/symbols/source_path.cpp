#include "symbols/source_path.h"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

namespace panicscope::symbols {

namespace {

// The top-level directories of a kernel tree that hold compiled sources or headers.
constexpr std::array<std::string_view, 21> kTopLevel = {
    "arch", "block",    "certs",   "crypto",   "drivers", "fs",  "include",
    "init", "io_uring", "ipc",     "kernel",   "lib",     "mm",  "net",
    "rust", "samples",  "scripts", "security", "sound",   "usr", "virt"};

std::string lexicallyNormal(std::string_view path) {
    const bool absolute = !path.empty() && path.front() == '/';
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        const size_t slash = path.find('/');
        const std::string_view part = path.substr(0, slash);
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
        if (part.empty() || part == ".") continue;
        if (part == ".." && !parts.empty() && parts.back() != "..") {
            parts.pop_back();
        } else if (part != ".." || !absolute) { // "/.." is "/"
            parts.push_back(part);
        }
    }
    std::string out = absolute ? "/" : "";
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i) out += '/';
        out += parts[i];
    }
    return out;
}

// What follows `dir` in `path`, if `path` lies below it.
std::optional<std::string_view> below(std::string_view path, std::string_view dir) {
    if (dir.empty() || dir == "/" || path.size() <= dir.size() + 1) return std::nullopt;
    if (!path.starts_with(dir) || path[dir.size()] != '/') return std::nullopt;
    return path.substr(dir.size() + 1);
}

bool startsInKernelTree(std::string_view relative) {
    const std::string_view first = relative.substr(0, relative.find('/'));
    return std::find(kTopLevel.begin(), kTopLevel.end(), first) != kTopLevel.end();
}

} // namespace

std::string kernelSourcePath(std::string_view path, std::string_view compDir) {
    std::string normal = lexicallyNormal(path);
    if (normal.empty() || normal.front() != '/') return normal;
    const std::string buildDir = lexicallyNormal(compDir);
    if (auto rest = below(normal, buildDir)) return std::string(*rest);
    for (std::string_view dir = buildDir; !dir.empty();) {
        const size_t slash = dir.rfind('/');
        if (slash == std::string_view::npos || slash == 0) break;
        dir = dir.substr(0, slash);
        if (auto rest = below(normal, dir); rest && startsInKernelTree(*rest))
            return std::string(*rest);
    }
    return normal;
}

} // namespace panicscope::symbols
