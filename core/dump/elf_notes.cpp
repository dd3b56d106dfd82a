#include "dump/elf_notes.h"

#include "dump/kdump_layout.h"
#include "dump/vmcoreinfo.h"
#include "util/hex.h"

#include <cstring>

namespace panicscope::dump {

Result<void> forEachNote(std::span<const std::byte> notes,
                         const std::function<void(const NoteRecord&)>& onNote) {
    constexpr uint64_t kHeader = 12;
    auto padded = [](uint64_t n) { return (n + 3) & ~uint64_t(3); };
    for (uint64_t at = 0; at + kHeader <= notes.size();) {
        uint32_t nameSize, descSize, type;
        std::memcpy(&nameSize, notes.data() + at, 4);
        std::memcpy(&descSize, notes.data() + at + 4, 4);
        std::memcpy(&type, notes.data() + at + 8, 4);
        if (nameSize == 0 && descSize == 0 && type == 0) break; // zero padding ends the notes
        const uint64_t desc = at + kHeader + padded(nameSize);  // no wrap: sizes are 32-bit
        const uint64_t next = desc + padded(descSize);
        if (next > notes.size())
            return fail(Errc::Corrupt, "note at offset " + std::to_string(at) +
                                           " is damaged: its name (" + std::to_string(nameSize) +
                                           " bytes) and data (" + std::to_string(descSize) +
                                           " bytes) run past the end of the notes (" +
                                           std::to_string(notes.size()) + " bytes)");
        std::string_view name(reinterpret_cast<const char*>(notes.data() + at + kHeader), nameSize);
        if (!name.empty() && name.back() == '\0') name.remove_suffix(1);
        onNote({name, type, notes.subspan(desc, descSize)});
        at = next;
    }
    return {};
}

Result<std::optional<std::string>>
checkNotes(const ByteSource& file, const std::vector<std::pair<uint64_t, uint64_t>>& areas,
           const std::string& name) {
    std::optional<std::string> damage, pageSize;
    for (const auto& [offset, size] : areas) {
        if (size > kMaxNoteBytes) continue; // refused by the format's own checks
        std::vector<std::byte> bytes(size);
        if (!file.readAt(offset, bytes.data(), bytes.size()))
            return fail(Errc::Io, name + ": cannot read the dump's notes");
        auto walked = forEachNote(bytes, [&](const NoteRecord& note) {
            if (note.name != "VMCOREINFO") return;
            std::string_view text(reinterpret_cast<const char*>(note.desc.data()),
                                  note.desc.size());
            text = text.substr(0, text.find('\0'));
            pageSize = Vmcoreinfo::parse(text).value("PAGESIZE");
        });
        if (!walked && !damage) damage = name + ": the dump's " + walked.error().message;
    }
    // libkdumpfile takes its page size from here: 0 divides by zero, 1 makes every byte a page.
    if (pageSize && parseDecimal(*pageSize) != kKdumpPageSize)
        return fail(Errc::Corrupt, name + ": VMCOREINFO says PAGESIZE=" + *pageSize +
                                       ", but x86-64 pages are 4096 bytes");
    return damage;
}

} // namespace panicscope::dump
