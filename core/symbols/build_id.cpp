#include "symbols/build_id.h"

#include "symbols/elf_file.h"

#include <cstring>
#include <filesystem>

namespace panicscope::symbols {

Result<std::string> normalizeBuildId(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return fail(Errc::Usage, "build ID \"" +
                                         std::string(text.substr(0, 2 * kMaxBuildIdBytes)) +
                                         "\" is not hexadecimal");
        out += c;
    }
    const std::string what = "build ID " + out.substr(0, 2 * kMaxBuildIdBytes);
    if (out.size() % 2 != 0) return fail(Errc::Usage, what + " has an odd number of digits");
    if (out.size() < 2 * kMinBuildIdBytes)
        return fail(Errc::Usage, what + " is too short (at least " +
                                     std::to_string(kMinBuildIdBytes) + " bytes)");
    if (out.size() > 2 * kMaxBuildIdBytes)
        return fail(Errc::Usage, what + "... is too long (at most " +
                                     std::to_string(kMaxBuildIdBytes) + " bytes)");
    return out;
}

std::optional<std::string> gnuBuildIdInNotes(std::span<const std::byte> notes) {
    constexpr uint32_t kNtGnuBuildId = 3;
    auto align4 = [](uint64_t n) { return (n + 3) & ~uint64_t(3); };
    uint64_t at = 0;
    while (notes.size() >= 12 && at <= notes.size() - 12) {
        uint32_t header[3]; // namesz, descsz, type
        std::memcpy(header, notes.data() + at, sizeof header);
        const uint64_t name = at + 12, desc = name + align4(header[0]);
        const uint64_t end = desc + align4(header[1]);
        if (end > notes.size() || desc + header[1] > notes.size()) return std::nullopt;
        if (header[2] == kNtGnuBuildId && header[0] == 4 &&
            std::memcmp(notes.data() + name, "GNU", 4) == 0 && header[1] >= kMinBuildIdBytes &&
            header[1] <= kMaxBuildIdBytes) {
            static constexpr char digits[] = "0123456789abcdef";
            std::string out;
            for (uint64_t i = 0; i < header[1]; ++i) {
                const auto byte = static_cast<uint8_t>(notes[desc + i]);
                out += digits[byte >> 4];
                out += digits[byte & 0xf];
            }
            return out;
        }
        at = end;
    }
    return std::nullopt;
}

std::vector<std::string> buildIdDebugPaths(const std::string& buildId,
                                           const std::vector<std::string>& debugDirs) {
    const std::string tail =
        "/.build-id/" + buildId.substr(0, 2) + "/" + buildId.substr(2) + ".debug";
    std::vector<std::string> out;
    for (std::string dir : debugDirs) {
        while (dir.size() > 1 && dir.back() == '/')
            dir.pop_back();
        out.push_back(dir + tail);
    }
    out.push_back("/usr/lib/debug" + tail);
    return out;
}

Result<std::string> readFileBuildId(const std::string& path) {
    auto file = ElfFile::open(path);
    if (!file) return tl::unexpected(file.error());
    return file->buildId();
}

std::optional<std::string> findFileWithBuildId(const std::vector<std::string>& paths,
                                               const std::string& buildId,
                                               std::vector<std::string>& skipped) {
    for (const auto& path : paths) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec)) continue;
        auto id = readFileBuildId(path);
        if (id && *id == buildId) return path;
        skipped.push_back(!id           ? id.error().message
                          : id->empty() ? path + " has no build ID"
                                        : path + " has build ID " + *id);
    }
    return std::nullopt;
}

} // namespace panicscope::symbols
