#include "dump/prstatus.h"

#include "dump/dump_file.h"
#include "dump/raw_file.h"

#include <cstring>

namespace panicscope::dump {

namespace {
// struct elf_prstatus on x86-64: pr_pid at 32, pr_reg (struct user_regs_struct) at 112.
constexpr size_t kPidOffset = 32, kRegsOffset = 112, kRegsCount = 27;
constexpr uint32_t kNtPrstatus = 1;
// struct kdump_sub_header (x86-64): offset_note and size_note, header version >= 4.
constexpr uint64_t kSubOffsetNote = 48, kSubSizeNote = 56;
constexpr uint64_t kBlockSizeOffset = 428;

uint64_t word(std::span<const std::byte> d, size_t offset) {
    uint64_t v;
    std::memcpy(&v, d.data() + offset, 8);
    return v;
}
} // namespace

std::optional<CpuState> decodePrstatus(std::span<const std::byte> d, unsigned cpu) {
    if (d.size() < kRegsOffset + kRegsCount * 8) return std::nullopt;
    CpuState s;
    s.cpu = cpu;
    uint32_t pid;
    std::memcpy(&pid, d.data() + kPidOffset, 4);
    s.prstatusPid = pid;
    auto& r = s.regs;
    uint64_t* order[] = {&r.r15, &r.r14, &r.r13,   &r.r12, &r.bp, &r.bx,      &r.r11,    &r.r10,
                         &r.r9,  &r.r8,  &r.ax,    &r.cx,  &r.dx, &r.si,      &r.di,     &r.orig_ax,
                         &r.ip,  &r.cs,  &r.flags, &r.sp,  &r.ss, &r.fs_base, &r.gs_base};
    for (size_t i = 0; i < std::size(order); ++i)
        *order[i] = word(d, kRegsOffset + 8 * i);
    return s;
}

std::vector<CpuState> readKdumpPrstatus(const std::string& path) {
    auto file = RawFile::open(path);
    if (!file) return {};
    auto read = [&](uint64_t offset, void* out, size_t size) {
        return file->readAt(offset, out, size);
    };
    int32_t blockSize = 0;
    uint64_t noteOffset = 0, noteSize = 0;
    if (!read(kBlockSizeOffset, &blockSize, 4) || blockSize <= 0 ||
        !read(uint64_t(blockSize) + kSubOffsetNote, &noteOffset, 8) ||
        !read(uint64_t(blockSize) + kSubSizeNote, &noteSize, 8) || noteSize == 0 ||
        noteSize > (64u << 20))
        return {};
    std::vector<std::byte> notes(noteSize);
    if (!read(noteOffset, notes.data(), notes.size())) return {};
    std::vector<CpuState> cpus;
    // ELF notes: namesz, descsz, type, then name and descriptor, each padded to 4 bytes.
    for (size_t at = 0; at + 12 <= notes.size();) {
        uint32_t nameSize, descSize, type;
        std::memcpy(&nameSize, notes.data() + at, 4);
        std::memcpy(&descSize, notes.data() + at + 4, 4);
        std::memcpy(&type, notes.data() + at + 8, 4);
        const size_t desc = at + 12 + ((nameSize + 3) & ~3u);
        const size_t next = desc + ((descSize + 3) & ~3u);
        if (next > notes.size() || next <= at) break;
        if (type == kNtPrstatus)
            if (auto s = decodePrstatus(std::span(notes).subspan(desc, descSize),
                                        static_cast<unsigned>(cpus.size())))
                cpus.push_back(*s);
        at = next;
    }
    return cpus;
}

} // namespace panicscope::dump
