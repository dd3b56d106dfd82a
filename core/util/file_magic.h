// Recognizes files a user hands us by mistake, from their first bytes: a compressed file (the
// debug package's vmlinux is sometimes shipped as vmlinux.xz, dumps get gzipped for transfer) or
// a bootable kernel image (bzImage) instead of the vmlinux with debug info.
#pragma once

#include <optional>
#include <span>
#include <string>

namespace panicscope {

struct MisplacedFile {
    std::string what;   // "xz-compressed", "a bootable kernel image (bzImage)"
    std::string remedy; // what to do, e.g. "decompress it first: xz -dk FILE"
};

// `head` is the file's first bytes (at least 0x206 for the bzImage test; fewer is fine).
std::optional<MisplacedFile> recognizeMisplacedFile(std::span<const unsigned char> head,
                                                    const std::string& path);

// Reads the head of `path` itself; nullopt when it cannot be read or is nothing we recognize.
std::optional<MisplacedFile> recognizeMisplacedFile(const std::string& path);

// The dump formats a directory of files is searched for (triage DIR): recognized by their first
// bytes alone, so a vmlinux (an ELF executable), a console log or a gzipped dump next to the
// vmcores is not taken for one.
enum class DumpMagic {
    ElfCore,         // ELF with e_type ET_CORE (/proc/vmcore, QEMU dump-guest-memory)
    KdumpCompressed, // "KDUMP   " or "DISKDUMP" (makedumpfile, QEMU's kdump formats)
    Flattened,       // makedumpfile's flattened stream: a dump, though one to convert first
};

// `head` is the file's first bytes (18 suffice).
std::optional<DumpMagic> recognizeDumpMagic(std::span<const unsigned char> head);
// Reads the head of `path`; nullopt when it cannot be read or is no dump.
std::optional<DumpMagic> recognizeDumpMagic(const std::string& path);

// "a FIFO (pipe)", "a socket", "a character device", ... for a stat() st_mode that is not a
// regular file: what a user who gave /dev/stdin or a named pipe is told.
std::string fileKindName(unsigned mode);

} // namespace panicscope
