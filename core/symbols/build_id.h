// GNU build IDs (NT_GNU_BUILD_ID): how one is spelled and where a debug file carrying it is
// found. A build ID names one exact build, so it is the safe way to pair a dump (VMCOREINFO's
// BUILD-ID, a module's note in memory) with its debug file; release names come after it.
#pragma once

#include "util/result.h"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace panicscope::symbols {

// Build IDs are 2 to 64 bytes (SHA-1 gives 20, what kernels and Debian use).
inline constexpr size_t kMinBuildIdBytes = 2, kMaxBuildIdBytes = 64;

// `text` as a build ID in lower-case hex, or Errc::Usage naming what is wrong (not hex, odd
// length, too short, too long). Text from a dump goes through here before it names a file.
Result<std::string> normalizeBuildId(std::string_view text);

// The GNU build ID (lower-case hex) in a run of ELF notes as a note section holds them (4-byte
// aligned Elf64_Nhdr, name, descriptor); nullopt when there is none. Notes read from a dump are
// untrusted: a header running past the bytes ends the search.
std::optional<std::string> gnuBuildIdInNotes(std::span<const std::byte> notes);

// Where a debug file for `buildId` (already normalised) lives, in search order: each of
// `debugDirs` then /usr/lib/debug, as DIR/.build-id/xx/rest.debug (the layout of GDB, elfutils
// and Debian's -dbg packages).
std::vector<std::string> buildIdDebugPaths(const std::string& buildId,
                                           const std::vector<std::string>& debugDirs);

// The GNU build ID of an ELF file in lower-case hex, empty when it has none; Errc::Io when it
// cannot be read.
Result<std::string> readFileBuildId(const std::string& path);

// The first of `paths` that is a regular file with build ID `buildId`. A file there with another
// build ID (a stale link, another build under the same name) is skipped and described in
// `skipped` ("PATH has build ID Y"), so an error can say why nothing was taken.
std::optional<std::string> findFileWithBuildId(const std::vector<std::string>& paths,
                                               const std::string& buildId,
                                               std::vector<std::string>& skipped);

} // namespace panicscope::symbols
