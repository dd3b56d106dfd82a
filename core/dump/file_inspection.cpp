#include "dump/file_inspection.h"

#include "dump/elf_notes.h"
#include "dump/kdump_layout.h"
#include "dump/raw_file.h"
#include "util/file_magic.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <elf.h>
#include <vector>

namespace panicscope::dump {
namespace {

constexpr uint32_t kStatusIncomplete = 0x8; // makedumpfile ran out of space

std::string truncatedMessage(const std::string& path, uint64_t need, uint64_t have) {
    return path + ": dump is truncated: it needs " + std::to_string(need) +
           " bytes but the file has " + std::to_string(have);
}

// The program headers: each PT_LOAD and PT_NOTE inside the file (else a truncation), no
// offset + size that wraps, notes within kMaxNoteBytes.
using Areas = std::vector<std::pair<uint64_t, uint64_t>>;

Result<uint64_t> elfExtent(const ByteSource& file, const std::string& path, const Elf64_Ehdr& eh,
                           Areas& notes, bool& virtualSegments) {
    const uint64_t fileSize = file.size();
    const uint64_t phdrBytes = uint64_t(eh.e_phnum) * sizeof(Elf64_Phdr);
    if (eh.e_phoff > fileSize || phdrBytes > fileSize - eh.e_phoff)
        return fail(Errc::Truncated,
                    truncatedMessage(path, std::max(eh.e_phoff, eh.e_phoff + phdrBytes), fileSize));
    std::vector<Elf64_Phdr> phdrs(eh.e_phnum);
    if (!file.readAt(eh.e_phoff, phdrs.data(), phdrBytes))
        return fail(Errc::Io, path + ": cannot read the ELF program headers");
    uint64_t need = eh.e_phoff + phdrBytes, noteBytes = 0;
    for (size_t i = 0; i < phdrs.size(); ++i) {
        const auto& ph = phdrs[i];
        // QEMU's dump-guest-memory -p, /proc/vmcore: see page_table_translation.h.
        if (ph.p_type == PT_LOAD && ph.p_vaddr != 0) virtualSegments = true;
        if (ph.p_type != PT_LOAD && ph.p_type != PT_NOTE) continue;
        if (ph.p_filesz > UINT64_MAX - ph.p_offset)
            return fail(Errc::Corrupt, path + ": ELF program header " + std::to_string(i) +
                                           ": offset " + std::to_string(ph.p_offset) + " + size " +
                                           std::to_string(ph.p_filesz) + " overflows");
        const uint64_t end = ph.p_offset + ph.p_filesz;
        if (ph.p_type == PT_NOTE) {
            notes.emplace_back(ph.p_offset, ph.p_filesz);
            noteBytes += ph.p_filesz;
            if (noteBytes > kMaxNoteBytes)
                return fail(Errc::Corrupt,
                            path + ": ELF notes would be " + std::to_string(noteBytes) +
                                " bytes, over the limit of " + std::to_string(kMaxNoteBytes));
            // Without its notes (registers, VMCOREINFO) nothing of the dump can be read.
            if (end > fileSize)
                return fail(Errc::Truncated, truncatedMessage(path, end, fileSize) +
                                                 " (its notes: the CPUs' registers and "
                                                 "VMCOREINFO)");
        }
        need = std::max(need, end);
    }
    return need;
}

// Section headers: QEMU's ELF files carry one, and libkdumpfile reads every header whenever
// e_shoff is set: the first for the count when e_shnum is 0 (ELF's extended numbering), each with
// e_shentsize as its size (0 made it read through a null pointer), and it allocates what their
// sizes declare (a fuzzed sh_size asked for 2^63 bytes). So headers of another size, or outside
// the file, or sizes larger than the whole file are damage.
Result<void> checkSections(const ByteSource& file, const std::string& path, const Elf64_Ehdr& eh) {
    if (eh.e_shoff == 0) return {};
    const uint64_t fileSize = file.size();
    auto damaged = [&](const std::string& what) {
        return fail(Errc::Corrupt, path + ": ELF section headers: " + what);
    };
    if (eh.e_shentsize != sizeof(Elf64_Shdr))
        return damaged("entry size " + std::to_string(eh.e_shentsize) + " is not " +
                       std::to_string(sizeof(Elf64_Shdr)));
    const uint64_t room = eh.e_shoff < fileSize ? (fileSize - eh.e_shoff) / sizeof(Elf64_Shdr) : 0;
    uint64_t count = eh.e_shnum;
    if (count == 0) { // the count is the first header's sh_size
        Elf64_Shdr first;
        if (room == 0 || !file.readAt(eh.e_shoff, &first, sizeof first))
            return damaged("the first lies past the end of the file");
        count = first.sh_size;
    }
    if (count > room)
        return damaged(std::to_string(count) + " at offset " + std::to_string(eh.e_shoff) +
                       " do not fit in the file");
    std::vector<Elf64_Shdr> sections(count);
    if (!file.readAt(eh.e_shoff, sections.data(), count * sizeof(Elf64_Shdr)))
        return fail(Errc::Io, path + ": cannot read the ELF section headers");
    for (size_t i = 0; i < sections.size(); ++i)
        if (sections[i].sh_type != SHT_NOBITS && sections[i].sh_size > fileSize)
            return fail(Errc::Corrupt, path + ": ELF section header " + std::to_string(i) +
                                           ": size " + std::to_string(sections[i].sh_size) +
                                           " is larger than the file");
    return {};
}

Result<DumpFileFacts> inspectElf(const ByteSource& file, const std::string& path) {
    const uint64_t fileSize = file.size();
    Elf64_Ehdr eh;
    if (!file.readAt(0, &eh, sizeof eh))
        return fail(Errc::Truncated, truncatedMessage(path, sizeof eh, fileSize));
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64)
        return fail(Errc::NotADump, path + ": ELF file is not a 64-bit x86-64 core dump");
    if (eh.e_type != ET_CORE)
        return fail(Errc::NotADump, path + ": ELF file is not a core dump (did you swap the dump "
                                           "and the vmlinux?)");
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum == PN_XNUM)
        return fail(Errc::Corrupt, path + ": ELF core dump has no usable program headers");
    if (auto sections = checkSections(file, path, eh); !sections)
        return tl::unexpected(sections.error());
    Areas notes;
    bool virtualSegments = false;
    auto need = elfExtent(file, path, eh, notes, virtualSegments);
    if (!need) return tl::unexpected(need.error());
    auto damage = checkNotes(file, notes, path);
    if (!damage) return tl::unexpected(damage.error());
    DumpFileFacts facts{DumpFormat::Elf, "ELF core", fileSize,    false, 0, 0,
                        std::nullopt,    false,      std::nullopt};
    facts.noteDamage = *damage;
    if (*need > fileSize) facts.truncation = truncatedMessage(path, *need, fileSize);
    facts.virtualSegments = virtualSegments;
    return facts;
}

std::string compressionName(uint32_t flags) {
    if (flags & 0x1) return "zlib";
    if (flags & 0x2) return "lzo";
    if (flags & 0x4) return "snappy";
    if (flags & 0x20) return "zstd";
    return "uncompressed";
}

Result<DumpFileFacts> inspectKdump(const ByteSource& file, const std::string& path) {
    const uint64_t fileSize = file.size();
    auto layout = readKdumpLayout(file, path);
    if (!layout) return tl::unexpected(layout.error());
    auto index = KdumpPageIndex::build(file, *layout, path);
    if (!index) return tl::unexpected(index.error());
    DumpFileFacts facts{DumpFormat::KdumpCompressed,
                        "kdump-compressed",
                        fileSize,
                        layout->split,
                        layout->startPfn,
                        layout->endPfn,
                        std::nullopt,
                        false,
                        std::nullopt};
    if (layout->noteBytes) {
        auto damage = checkNotes(file, {{layout->noteOffset, layout->noteBytes}}, path);
        if (!damage) return tl::unexpected(damage.error());
        facts.noteDamage = *damage;
    }
    const uint64_t descEnd = index->descriptorsEnd();
    if (descEnd > fileSize) {
        // libkdumpfile keeps a record per run of pages: a bitmap with more runs than the file
        // could hold descriptors for is no dump worth opening, only cut short or forged.
        if (index->runCount() > fileSize / sizeof(PageDescriptor))
            return fail(Errc::Truncated, truncatedMessage(path, descEnd, fileSize));
        facts.truncation = truncatedMessage(path, descEnd, fileSize);
        return facts;
    }

    // Page data follows the descriptors in page order, so the last descriptors end the file.
    // (The shared zero page comes first.) Look at the tail to find where the data should end.
    const uint64_t tail = std::min<uint64_t>(index->pageCount(), 1024);
    std::vector<PageDescriptor> descs(tail);
    if (tail && !file.readAt(descEnd - tail * sizeof(PageDescriptor), descs.data(),
                             tail * sizeof(PageDescriptor)))
        return fail(Errc::Io, path + ": cannot read the kdump page descriptors");
    uint64_t need = descEnd;
    uint32_t flags = 0;
    for (const auto& d : descs) {
        // A damaged descriptor is refused when its page is read (KdumpPageIndex::checkDescriptor).
        if (pageDescriptorProblem(d, layout->blockSize, UINT64_MAX)) continue;
        need = std::max<uint64_t>(need, uint64_t(d.offset) + d.size);
        flags |= d.flags;
    }
    facts.description += " (" + compressionName(flags) + ")";
    if (need > fileSize)
        facts.truncation = truncatedMessage(path, need, fileSize);
    else if (layout->status & kStatusIncomplete)
        facts.truncation =
            path + ": makedumpfile marked this dump incomplete (it ran out of space)";
    return facts;
}

} // namespace

Result<DumpFileFacts> inspectDumpBytes(const ByteSource& file, const std::string& path) {
    const uint64_t fileSize = file.size();
    char magic[16] = {};
    if (fileSize == 0) return fail(Errc::NotADump, path + ": file is empty, not a dump");
    if (!file.readAt(0, magic, std::min<uint64_t>(sizeof magic, fileSize)))
        return fail(Errc::Io, path + ": cannot read: " + std::strerror(errno));
    if (std::memcmp(magic, ELFMAG, SELFMAG) == 0) return inspectElf(file, path);
    if (std::memcmp(magic, "KDUMP   ", 8) == 0) return inspectKdump(file, path);
    if (std::memcmp(magic, "makedumpfile", 12) == 0)
        return fail(Errc::NotADump, path +
                                        ": is in makedumpfile's flattened format; convert it "
                                        "first: makedumpfile -R OUTPUT < " +
                                        path);
    return fail(Errc::NotADump, path + ": not a kernel crash dump (neither ELF core nor "
                                       "kdump-compressed)");
}

Result<DumpFileFacts> inspectDumpFile(const std::string& path) {
    auto file = RawFile::open(path);
    if (!file) return tl::unexpected(file.error());
    if (file->isDirectory()) return fail(Errc::Io, path + ": is a directory, not a dump file");
    auto facts = inspectDumpBytes(*file, path);
    // No dump magic at all: perhaps a file the user mistook for the dump.
    if (facts || !facts.error().message.ends_with("nor kdump-compressed)")) return facts;
    if (auto misplaced = recognizeMisplacedFile(path))
        return fail(Errc::NotADump,
                    path + ": is " + misplaced->what + ", not a dump: " + misplaced->remedy);
    return facts;
}

} // namespace panicscope::dump
