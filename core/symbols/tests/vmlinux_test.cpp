// Vmlinux against small checked-in images built from data/fixture.c (see the command there).
#include "symbols/vmlinux.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <unistd.h>
#include <vector>

namespace panicscope::symbols {
namespace {

namespace fs = std::filesystem;

std::string fixturePath(const char* name) {
    return (fs::path(PANICSCOPE_FIXTURE_DIR) / name).string();
}

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A scratch file removed at the end of the test.
class TempFile {
  public:
    explicit TempFile(const std::string& contents)
        : path_(fs::path(::testing::TempDir()) /
                ("panicscope-symbols-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
        std::ofstream(path_, std::ios::binary) << contents;
    }
    ~TempFile() { fs::remove(path_); }
    std::string path() const { return path_.string(); }

  private:
    fs::path path_;
};

std::string notKernelMessage(const std::string& path) {
    return path + " is not an x86-64 kernel image (vmlinux) with a symbol table";
}

void expectError(const Result<std::unique_ptr<Vmlinux>>& result, Errc code,
                 const std::string& message) {
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, code);
    EXPECT_EQ(result.error().message, message);
}

TEST(VmlinuxOpen, MissingFileIsAnIoError) {
    expectError(Vmlinux::open("/nonexistent/vmlinux-6.1"), Errc::Io,
                "cannot open /nonexistent/vmlinux-6.1: No such file or directory");
}

TEST(VmlinuxOpen, DirectoryIsAnIoError) {
    const std::string dir = PANICSCOPE_FIXTURE_DIR;
    expectError(Vmlinux::open(dir), Errc::Io, "cannot open " + dir + ": Is a directory");
}

TEST(VmlinuxOpen, TextAndEmptyFilesAreNoKernel) {
    TempFile text("Linux version 6.1.0 is not an ELF file\n");
    expectError(Vmlinux::open(text.path()), Errc::VmlinuxMissing, notKernelMessage(text.path()));
    TempFile empty("");
    expectError(Vmlinux::open(empty.path()), Errc::VmlinuxMissing, notKernelMessage(empty.path()));
}

TEST(VmlinuxOpen, CompressedVmlinuxSaysHowToDecompress) {
    // Debian ships some debug images as vmlinux.xz / vmlinux.zst: the magic bytes tell.
    TempFile xz(std::string("\xfd"
                            "7zXZ\0",
                            6) +
                "stream");
    expectError(Vmlinux::open(xz.path()), Errc::VmlinuxMissing,
                xz.path() + " is xz-compressed, not a vmlinux: decompress it first: xz -dk " +
                    xz.path());
    TempFile zstd(std::string("\x28\xb5\x2f\xfd", 4) + "frame");
    expectError(Vmlinux::open(zstd.path()), Errc::VmlinuxMissing,
                zstd.path() + " is zstd-compressed, not a vmlinux: decompress it first: zstd -d " +
                    zstd.path());
}

TEST(VmlinuxOpen, StrippedProgramIsNoKernel) {
    // Debian's /bin/true: an x86-64 ELF executable without .symtab.
    expectError(Vmlinux::open("/bin/true"), Errc::VmlinuxMissing, notKernelMessage("/bin/true"));
}

// The fixture with a few bytes changed: each change alone must make it "no kernel".
TEST(VmlinuxOpen, FixtureVariantsThatAreNoKernel) {
    const std::string image = readAll(fixturePath("fixture-dwarf5.elf"));
    ASSERT_GT(image.size(), 64u);
    auto expectNoKernel = [](std::string bytes, const char* what) {
        TempFile file(bytes);
        SCOPED_TRACE(what);
        expectError(Vmlinux::open(file.path()), Errc::VmlinuxMissing,
                    notKernelMessage(file.path()));
    };
    std::string relocatable = image; // e_type = ET_REL: libdw would read unrelocated DWARF
    relocatable[16] = 1;
    relocatable[17] = 0;
    expectNoKernel(relocatable, "ET_REL");
    std::string arm = image; // e_machine = EM_AARCH64
    arm[18] = static_cast<char>(183);
    arm[19] = 0;
    expectNoKernel(arm, "EM_AARCH64");
    std::string noBanner = image; // a symbol table, but no linux_banner in it
    for (size_t at = 0; (at = noBanner.find("linux_banner", at)) != std::string::npos;)
        noBanner[at + 11] = 'x';
    expectNoKernel(noBanner, "no linux_banner");

    TempFile intact(image); // and the unchanged copy opens
    EXPECT_TRUE(Vmlinux::open(intact.path()).has_value());
}

// A copy that stopped early: its section headers (last in the file) are gone. Before, this was
// "not an x86-64 kernel image", which sent the user looking for another file.
TEST(VmlinuxOpen, FileMissingItsLastBytesIsTruncated) {
    const std::string image = readAll(fixturePath("fixture-dwarf5.elf"));
    ASSERT_GT(image.size(), 64u);
    uint64_t shoff = 0;
    uint16_t shentsize = 0, shnum = 0;
    std::memcpy(&shoff, image.data() + 0x28, 8); // Elf64_Ehdr.e_shoff
    std::memcpy(&shentsize, image.data() + 0x3a, 2);
    std::memcpy(&shnum, image.data() + 0x3c, 2);
    const uint64_t need = shoff + uint64_t(shentsize) * shnum;
    ASSERT_LE(need, image.size());
    for (const uint64_t cut : {uint64_t(1), uint64_t(1000)}) {
        SCOPED_TRACE(cut);
        TempFile file(image.substr(0, need - cut));
        expectError(Vmlinux::open(file.path()), Errc::Truncated,
                    file.path() + " is truncated: it needs " + std::to_string(need) +
                        " bytes but the file has " + std::to_string(need - cut) +
                        " (copy it again)");
    }
}

TEST(VmlinuxOpen, KernelWithoutDebugInfoOpensButHasNoLayoutsOrLines) {
    std::string image = readAll(fixturePath("fixture-dwarf5.elf"));
    ASSERT_GT(image.size(), 64u);
    for (size_t at = 0; (at = image.find(".debug_", at)) != std::string::npos;)
        image[++at] = 'x'; // ".xebug_info": libdw finds no DWARF sections
    TempFile stripped(image);
    auto opened = Vmlinux::open(stripped.path());
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    const Vmlinux& vmlinux = **opened;
    EXPECT_EQ(vmlinux.release(), "6.1.0-fixture");
    const Symbol* entry = vmlinux.symbols().byName("fixture_entry");
    ASSERT_NE(entry, nullptr);
    EXPECT_FALSE(vmlinux.sourceLocation(entry->address).has_value());
    auto member = vmlinux.layouts().member("fixture_task", "state");
    ASSERT_FALSE(member.has_value());
    EXPECT_EQ(member.error().code, Errc::NoType);
    EXPECT_EQ(member.error().message, stripped.path() + " has no DWARF debug info");
    EXPECT_EQ(vmlinux.layouts().sizeOf("fixture_task").error().message,
              stripped.path() + " has no DWARF debug info");
}

// Both encodings of the same source must give the same answers.
class FixtureVmlinux : public ::testing::TestWithParam<const char*> {
  protected:
    void SetUp() override {
        path_ = fixturePath(GetParam());
        auto opened = Vmlinux::open(path_);
        ASSERT_TRUE(opened.has_value()) << opened.error().message;
        vmlinux_ = std::move(*opened);
    }
    uint64_t address(const char* name) const {
        const Symbol* s = vmlinux_->symbols().byName(name);
        EXPECT_NE(s, nullptr) << name;
        return s ? s->address : 0;
    }
    void expectMember(const char* structName, const char* path, uint64_t offset, uint64_t size) {
        auto m = vmlinux_->layouts().member(structName, path);
        ASSERT_TRUE(m.has_value()) << m.error().message;
        EXPECT_EQ(m->offset, offset) << structName << "." << path;
        EXPECT_EQ(m->size, size) << structName << "." << path;
    }
    void expectNoMember(const char* structName, const char* path, const std::string& message) {
        auto m = vmlinux_->layouts().member(structName, path);
        ASSERT_FALSE(m.has_value()) << structName << "." << path;
        EXPECT_EQ(m.error().code, Errc::NoType);
        EXPECT_EQ(m.error().message, message);
    }

    std::string path_;
    std::unique_ptr<Vmlinux> vmlinux_;
};

TEST_P(FixtureVmlinux, BannerReleaseAndBuildId) {
    EXPECT_EQ(vmlinux_->path(), path_);
    EXPECT_EQ(vmlinux_->banner(), "Linux version 6.1.0-fixture (panicscope@tests) #1 SMP\n");
    EXPECT_EQ(vmlinux_->release(), "6.1.0-fixture");
    EXPECT_EQ(vmlinux_->buildId(), std::string(GetParam()) == "fixture-dwarf5.elf"
                                       ? "a811157b8e22eb4c2573b7df79d4e78a2092ce0e"
                                       : "cdafe1256a4a6cda823edb5c14f3d9905735d7ae");
}

TEST_P(FixtureVmlinux, SymbolsFromTheSymbolTable) {
    const SymbolTable& symbols = vmlinux_->symbols();
    // fixture_entry, fixture_label, linux_banner, six objects, and ld's __bss_start, _edata,
    // _end; not the two FILE symbols nor the null symbol.
    EXPECT_EQ(symbols.size(), 12u);
    const Symbol* entry = symbols.byName("fixture_entry");
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(entry->size, 30u);
    EXPECT_TRUE(entry->isFunction);
    const Symbol* label = symbols.byName("fixture_label");
    ASSERT_NE(label, nullptr);
    EXPECT_EQ(label->size, 0u);
    EXPECT_TRUE(label->isFunction) << "a NOTYPE label in .text is code";
    EXPECT_EQ(label->address + 3, entry->address);
    EXPECT_EQ(symbols.containing(label->address + 2), label);
    EXPECT_EQ(symbols.containing(entry->address + 29), entry);
    EXPECT_EQ(symbols.containing(entry->address + 30), nullptr);
    const Symbol* banner = symbols.byName("linux_banner");
    ASSERT_NE(banner, nullptr);
    EXPECT_FALSE(banner->isFunction);
    EXPECT_EQ(banner->size, 55u);
    EXPECT_EQ(banner->address & 0xffffffff00000000, 0xffffffff00000000) << "kernel addresses";
}

TEST_P(FixtureVmlinux, NestedAnonymousAndQualifiedMembers) {
    expectMember("fixture_task", "state", 0, 8);
    expectMember("fixture_task", "in", 8, 16);
    expectMember("fixture_task", "in.a", 8, 4);
    expectMember("fixture_task", "in.b", 16, 8);
    expectMember("fixture_task", "x", 24, 4); // anonymous struct in an anonymous union
    expectMember("fixture_task", "y", 28, 4);
    expectMember("fixture_task", "xy", 24, 8);
    expectMember("fixture_task", "quals", 40, 16);  // const volatile typedef of a typedef
    expectMember("fixture_task", "quals.b", 48, 8); // ... looked through to the struct
    expectMember("fixture_task", "comm", 56, 16);
    expectMember("fixture_task", "grid", 72, 24); // u32[2][3]
    expectMember("fixture_task", "opaque", 96, 8);
    expectMember("fixture_task", "next", 104, 8);
    expectMember("fixture_task", "tail", 112, 0); // flexible array
    expectMember("fixture_union", "bytes", 0, 4);
    expectMember("fixture_union", "nested.b", 8, 8);
    expectMember("anon_pair_t", "second", 4, 4); // typedef of an anonymous struct
}

TEST_P(FixtureVmlinux, DefinitionsInALaterUnitWinOverDeclarations) {
    // fixture.c only declares struct late_defined (and typedefs it); fixture_late.c defines it.
    expectMember("late_defined", "b", 8, 8);
    expectMember("late_t", "b", 8, 8);
    EXPECT_EQ(vmlinux_->layouts().sizeOf("late_t").value_or(0), 16u);
}

TEST_P(FixtureVmlinux, BitFieldsGiveTheByteOfTheirLowestBitAndNoSize) {
    expectMember("fixture_task", "low", 32, 0);
    expectMember("fixture_task", "mid", 32, 0); // bits 3..15
    expectMember("fixture_task", "top", 34, 0); // bits 16..19
}

TEST_P(FixtureVmlinux, SizesOfStructsUnionsAndTypedefs) {
    auto size = [&](const char* name) {
        auto s = vmlinux_->layouts().sizeOf(name);
        EXPECT_TRUE(s.has_value()) << name << ": " << s.error().message;
        return s.value_or(0);
    };
    EXPECT_EQ(size("fixture_task"), 112u);
    EXPECT_EQ(size("fixture_union"), 16u);
    EXPECT_EQ(size("inner"), 16u);
    EXPECT_EQ(size("inner_t"), 16u);
    EXPECT_EQ(size("anon_pair_t"), 8u);
}

TEST_P(FixtureVmlinux, MissingStructsAndMembersNameWhatIsMissing) {
    expectNoMember("fixture_task", "nope", "struct fixture_task has no member 'nope'");
    expectNoMember("fixture_task", "in.nope", "struct fixture_task has no member 'in.nope'");
    expectNoMember("fixture_task", "state.x", "struct fixture_task has no member 'state.x'");
    expectNoMember("fixture_task", "low.x", "struct fixture_task has no member 'low.x'");
    expectNoMember("fixture_task", "in.", "struct fixture_task has no member 'in.'");
    expectNoMember("fixture_task", "", "struct fixture_task has no member ''");
    expectNoMember("fixture_union", "a", "union fixture_union has no member 'a'");
    const std::string noStruct = "' in the debug info of " + path_;
    expectNoMember("task_struct", "pid", "no struct 'task_struct" + noStruct);
    // Only declared (a pointer target), never defined.
    auto declared = vmlinux_->layouts().sizeOf("declared_only");
    ASSERT_FALSE(declared.has_value());
    EXPECT_EQ(declared.error().code, Errc::NoType);
    EXPECT_EQ(declared.error().message, "no struct 'declared_only" + noStruct);
    // A typedef of a struct that is declared everywhere and defined nowhere.
    EXPECT_EQ(vmlinux_->layouts().sizeOf("declared_alias_t").error().message,
              "no struct 'declared_alias_t" + noStruct);
    // u32 is a typedef, but of no struct.
    EXPECT_EQ(vmlinux_->layouts().sizeOf("u32").error().message, "no struct 'u32" + noStruct);
    // Cached answers are the same answers.
    expectMember("fixture_task", "quals.b", 48, 8);
    expectNoMember("fixture_task", "nope", "struct fixture_task has no member 'nope'");
}

TEST_P(FixtureVmlinux, SourceLocations) {
    const uint64_t entry = address("fixture_entry");
    const std::string file = "core/symbols/tests/data/fixture.c";
    struct Case {
        uint64_t address;
        int line;
    };
    // The prologue on the function's line, then one statement per line (see objdump -dl).
    for (Case c : {Case{entry, 69}, Case{entry + 4, 70}, Case{entry + 0x14, 71}}) {
        auto location = vmlinux_->sourceLocation(c.address);
        ASSERT_TRUE(location.has_value()) << std::hex << c.address;
        EXPECT_EQ(location->file, file);
        EXPECT_EQ(location->line, c.line);
    }
    EXPECT_FALSE(vmlinux_->sourceLocation(address("linux_banner")).has_value());
    EXPECT_FALSE(vmlinux_->sourceLocation(0).has_value());
}

TEST_P(FixtureVmlinux, FileBytesComeFromProgbitsSectionsOnly) {
    EXPECT_EQ(vmlinux_->readFileBytes(address("fixture_label"), 3), "\x90\x90\xc3"); // nop nop ret
    EXPECT_EQ(vmlinux_->readFileBytes(address("linux_banner"), 13), "Linux version");
    const uint64_t entry = address("fixture_entry");
    EXPECT_EQ(vmlinux_->readFileBytes(entry, 0), "");
    EXPECT_EQ(vmlinux_->readFileBytes(entry + 29, 1), "\xc3");        // the last byte of .text
    EXPECT_FALSE(vmlinux_->readFileBytes(entry + 29, 2).has_value()); // crosses its end
    EXPECT_FALSE(vmlinux_->readFileBytes(address("fixture_pair"), 4).has_value()); // .bss
    EXPECT_FALSE(vmlinux_->readFileBytes(0, 1).has_value()); // not the unallocated .comment
}

TEST_P(FixtureVmlinux, ConcurrentLookupsAgree) {
    const uint64_t entry = address("fixture_entry");
    std::vector<std::thread> threads;
    std::atomic<int> wrong{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) {
                auto m = vmlinux_->layouts().member("fixture_task", i % 2 ? "quals.b" : "y");
                if (!m || m->offset != (i % 2 ? 48u : 28u)) ++wrong;
                auto line = vmlinux_->sourceLocation(entry + 4 + (t + i) % 2 * 0x10);
                if (!line || line->line != ((t + i) % 2 ? 71 : 70)) ++wrong;
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(wrong.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Dwarf5AndDwarf2, FixtureVmlinux,
                         ::testing::Values("fixture-dwarf5.elf", "fixture-dwarf2.elf"),
                         [](const auto& info) {
                             return std::string(info.param) == "fixture-dwarf5.elf" ? "Dwarf5"
                                                                                    : "Dwarf2";
                         });

} // namespace
} // namespace panicscope::symbols
