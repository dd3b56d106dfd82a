// readModuleBuildId on fakes: struct module's notes_attrs with the layout of 6.1/6.12 (a
// bin_attribute per note section, `private` pointing at the notes in the module's memory).
#include "fake_memory.h"
#include "kernel/module_build_id.h"

#include <gtest/gtest.h>

#include <cstring>

namespace panicscope::kernel {
namespace {

struct ModuleNotes : ::testing::Test {
    static constexpr uint64_t kModule = 0xffffffffc0001000, kAttrs = 0xffff888001000000;
    static constexpr uint64_t kLinuxNote = 0xffffffffc0004000, kGnuNote = 0xffffffffc0004100;
    static constexpr uint64_t kNotesAttrs = 0x300, kEntry = 64; // sizeof(struct bin_attribute)

    testing::FakeMemory memory;
    testing::FakeLayouts layouts;
    const symbols::SymbolTable symbols{{{"init_task", 0xffffffff82000000, 0x1000, false}}};

    ModuleNotes() {
        layouts.add("module", "notes_attrs", kNotesAttrs, 8);
        layouts.add("module_notes_attrs", "notes", 8, 4);
        layouts.add("module_notes_attrs", "attrs", 16, 0);
        layouts.addSize("bin_attribute", kEntry);
        layouts.add("bin_attribute", "size", 0x10, 8);
        layouts.add("bin_attribute", "private", 0x18, 8);
        memory.mapZeros(kModule, 0x400);
        memory.put<uint64_t>(kModule + kNotesAttrs, kAttrs);
        memory.mapZeros(kAttrs, 16 + 2 * kEntry);
        memory.put<uint32_t>(kAttrs + 8, 2);
        // .note.Linux first, then .note.gnu.build-id, as the kernel lists a module's sections.
        putNote(0, kLinuxNote, 0x101, "Linux", {0, 0, 0, 0});
        putNote(1, kGnuNote, 3, "GNU", {0xf9, 0xf6, 0x33, 0x2f, 0xcc});
    }
    void putNote(uint64_t index, uint64_t at, uint32_t type, const char* name,
                 std::vector<uint8_t> desc) {
        const uint32_t namesz = uint32_t(std::strlen(name) + 1);
        const uint32_t header[3] = {namesz, uint32_t(desc.size()), type};
        std::vector<std::byte> bytes(12 + ((namesz + 3) & ~3u) + ((desc.size() + 3) & ~3ul));
        std::memcpy(bytes.data(), header, 12);
        std::memcpy(bytes.data() + 12, name, namesz);
        std::memcpy(bytes.data() + 12 + ((namesz + 3) & ~3u), desc.data(), desc.size());
        const uint64_t attr = kAttrs + 16 + index * kEntry;
        memory.put<uint64_t>(attr + 0x10, bytes.size());
        memory.put<uint64_t>(attr + 0x18, at);
        memory.map(at, std::move(bytes));
    }
};

TEST_F(ModuleNotes, TheGnuBuildIdNoteIsFoundAmongTheSections) {
    const KernelView view(memory, symbols, layouts, 0);
    EXPECT_EQ(readModuleBuildId(view, kModule).value(), "f9f6332fcc");
}

TEST_F(ModuleNotes, NoNotesOrNoBuildIdIsAnErrorSayingSo) {
    const KernelView view(memory, symbols, layouts, 0);
    memory.put<uint32_t>(kAttrs + 8, 1); // only .note.Linux
    EXPECT_EQ(readModuleBuildId(view, kModule).error().message,
              "no GNU build ID note among the module's 1 note sections");
    memory.put<uint64_t>(kModule + kNotesAttrs, 0);
    EXPECT_EQ(readModuleBuildId(view, kModule).error().message,
              "the module has no notes (notes_attrs is NULL)");
}

TEST_F(ModuleNotes, DamagedAttributesAreBoundedAndSkipped) {
    const KernelView view(memory, symbols, layouts, 0);
    // A huge count is cut at 64 entries (the rest is not in the dump and not read); a huge size
    // or a note page missing from the dump skips that section.
    memory.put<uint32_t>(kAttrs + 8, 0xffffffff);
    memory.put<uint64_t>(kAttrs + 16 + 0x10, uint64_t(1) << 40);
    EXPECT_EQ(readModuleBuildId(view, kModule).value(), "f9f6332fcc");
    memory.put<uint64_t>(kAttrs + 16 + kEntry + 0x18, 0xffffffffc0009000);
    EXPECT_EQ(readModuleBuildId(view, kModule).error().message,
              "no GNU build ID note among the module's 4294967295 note sections");
}

} // namespace
} // namespace panicscope::kernel
