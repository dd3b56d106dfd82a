// Looks at a dump file before libkdumpfile does: which format it is, and whether it is whole.
// libkdumpfile opens a truncated file happily and fails page by page later; a user wants to know
// at once that the file is cut short, and by how much.
#pragma once

#include "dump/byte_source.h"
#include "util/result.h"

#include <cstdint>
#include <optional>
#include <string>

namespace panicscope::dump {

enum class DumpFormat { Elf, KdumpCompressed };

struct DumpFileFacts {
    DumpFormat format = DumpFormat::Elf;
    std::string description; // "ELF core", "kdump-compressed (zlib)", ...
    uint64_t fileSize = 0;
    // One part of a makedumpfile --split set: it holds only page frames [splitStart, splitEnd).
    bool splitPart = false;
    uint64_t splitStart = 0, splitEnd = 0;
    // Set when the headers are whole but the data they describe runs past the end of the file:
    // the dump is still usable, reads of the lost pages fail.
    std::optional<std::string> truncation;
    // ELF: PT_LOADs carry kernel virtual addresses (QEMU's dump-guest-memory -p, /proc/vmcore);
    // see page_table_translation.h for why that matters.
    bool virtualSegments = false;
    // Set when a note record's header is damaged: the notes after it (registers, VMCOREINFO)
    // are lost.
    std::optional<std::string> noteDamage;
};

// Errc::Io (cannot open/read), Errc::NotADump (unknown, or makedumpfile's flattened format with
// the command that converts it), Errc::Truncated (the headers themselves are cut; names the size
// the file should have), or Errc::Corrupt (headers that contradict themselves).
Result<DumpFileFacts> inspectDumpFile(const std::string& path);
// The same checks on bytes already at hand (a fuzz target's input); `path` names them in
// messages. Every size and offset the headers declare is checked against bytes.size() and the
// limits in kdump_layout.h, so a declared size never becomes an allocation or a read unchecked.
Result<DumpFileFacts> inspectDumpBytes(const ByteSource& bytes, const std::string& path);

} // namespace panicscope::dump
