// ELF note records (namesz, descsz, type, name, descriptor; each padded to 4 bytes): the notes of
// an ELF core's PT_NOTE segments and of a kdump file's note area. Checked before libkdumpfile
// sees them: a damaged record header is named, and VMCOREINFO's PAGESIZE must be x86-64's.
#pragma once

#include "dump/byte_source.h"
#include "util/result.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace panicscope::dump {

struct NoteRecord {
    std::string_view name; // without its NUL
    uint32_t type = 0;
    std::span<const std::byte> desc;
};

// Calls `onNote` for each record in order; Errc::Corrupt naming the offset of the first record
// whose sizes run past the end of `notes` (the records before it were delivered).
Result<void> forEachNote(std::span<const std::byte> notes,
                         const std::function<void(const NoteRecord&)>& onNote);

// The note areas of a dump, as (offset, size) pairs already bounded by the file (see
// inspectDumpBytes): checks each area's records and VMCOREINFO's PAGESIZE. Errc::Corrupt for a
// PAGESIZE other than 4096; a damaged record is returned as text (a warning: libkdumpfile may
// still read the records before it), nullopt when all are sound.
Result<std::optional<std::string>>
checkNotes(const ByteSource& file, const std::vector<std::pair<uint64_t, uint64_t>>& areas,
           const std::string& name);

} // namespace panicscope::dump
