// What a session opened with less than it needs says on stderr (issue 13): a --module-dir that
// is not there, a vmlinux without DWARF, and one whose .debug_line or .debug_info is damaged
// (issue 14), each one warning line -- and the verb still works.
#include "byte_fields.h"
#include "dump_manifest.h"
#include "run_cli.h"
#include "temp_files.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <elf.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

namespace panicscope::testing {
namespace {

namespace fs = std::filesystem;

// A vmlinux copy with the same build ID would share the real one's index cache entry: the
// runs on it use none.
class WithoutIndexCache {
  public:
    WithoutIndexCache() {
        if (const char* dir = std::getenv("PANICSCOPE_INDEX_DIR")) saved_ = dir;
        ::setenv("PANICSCOPE_INDEX_DIR", "", 1);
    }
    ~WithoutIndexCache() {
        if (saved_)
            ::setenv("PANICSCOPE_INDEX_DIR", saved_->c_str(), 1);
        else
            ::unsetenv("PANICSCOPE_INDEX_DIR");
    }

  private:
    std::optional<std::string> saved_;
};

std::string readAt(std::ifstream& in, uint64_t offset, uint64_t size) {
    std::string bytes(size, '\0');
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(bytes.data(), static_cast<std::streamsize>(size));
    if (!in) throw std::runtime_error("cannot read " + std::to_string(size) + " bytes");
    return bytes;
}

struct SectionSpan {
    uint64_t offset = 0, size = 0;
};

// Where a section of an ELF file lies, from its own section headers.
SectionSpan sectionOf(const std::string& path, const std::string& name) {
    std::ifstream in(path, std::ios::binary);
    const auto header = get<Elf64_Ehdr>(readAt(in, 0, sizeof(Elf64_Ehdr)), 0);
    const std::string table =
        readAt(in, header.e_shoff, uint64_t(header.e_shnum) * sizeof(Elf64_Shdr));
    auto section = [&](unsigned i) { return get<Elf64_Shdr>(table, i * sizeof(Elf64_Shdr)); };
    const Elf64_Shdr names = section(header.e_shstrndx);
    const std::string strings = readAt(in, names.sh_offset, names.sh_size);
    for (unsigned i = 0; i < header.e_shnum; ++i)
        if (strings.c_str() + section(i).sh_name == name)
            return {section(i).sh_offset, section(i).sh_size};
    throw std::runtime_error(path + " has no " + name);
}

// The .debug_info offset of the unit that .debug_aranges names for a link address (32-bit
// DWARF, 8-byte addresses: what the kernel's builds write).
uint64_t unitOffsetAt(const std::string& path, uint64_t address) {
    const SectionSpan span = sectionOf(path, ".debug_aranges");
    std::ifstream in(path, std::ios::binary);
    const std::string aranges = readAt(in, span.offset, span.size);
    for (uint64_t set = 0; set + 16 <= aranges.size(); set += 4 + get<uint32_t>(aranges, set)) {
        const uint64_t end = set + 4 + get<uint32_t>(aranges, set);
        for (uint64_t at = set + 16; at + 16 <= end; at += 16) {
            const auto start = get<uint64_t>(aranges, at), length = get<uint64_t>(aranges, at + 8);
            if (address >= start && address - start < length)
                return get<uint32_t>(aranges, set + 6);
        }
    }
    throw std::runtime_error("no unit covers the address in .debug_aranges");
}

uint64_t systemMapAddress(const std::string& vmlinux, const std::string& symbol) {
    std::ifstream map(fs::path(vmlinux).parent_path() / "System.map");
    std::string line;
    while (std::getline(map, line))
        if (line.size() > 19 && line.substr(19) == symbol)
            return std::stoull(line.substr(0, 16), nullptr, 16);
    throw std::runtime_error("no " + symbol + " in System.map");
}

// A copy of a vmlinux with `bytes` written over it at `offset`, removed with the object.
struct DamagedVmlinux {
    std::string path;
    DamagedVmlinux(const std::string& vmlinux, const std::string& name, uint64_t offset,
                   const std::string& bytes)
        : path(tempPath(name)) {
        fs::copy_file(vmlinux, path, fs::copy_options::overwrite_existing);
        std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
        file.seekp(static_cast<std::streamoff>(offset));
        file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    ~DamagedVmlinux() { fs::remove(path); }
};

// The frame line of `function` in `bt -l` output ("#N [sp] function+off/size at pc  file:line").
std::string frameLine(const std::string& bt, const std::string& function) {
    std::istringstream lines(bt);
    std::string line;
    while (std::getline(lines, line))
        if (line.find("] " + function + "+0x") != std::string::npos) return line;
    return "";
}

TEST(OpenWarnings, AModuleDirThatIsNotThereIsOneWarning) {
    const auto& row = manifestRow("mod-null", "kdump", "kdump-zlib");
    const std::string missing =
        (fs::temp_directory_path() / ("panicscope-no-such-dir-" + std::to_string(::getpid())))
            .string();
    const auto bt = runCli({"bt", "--module-dir", missing, row.dump, "--vmlinux", row.vmlinux});
    EXPECT_EQ(bt.status, 0);
    EXPECT_EQ(bt.err, "panicscope: warning: module directory " + missing +
                          ": no such directory (results may be partial)\n");
    EXPECT_NE(bt.out.find("[panicscope_crash]"), std::string::npos);
    const auto plain = runCli({"bt", row.dump, "--vmlinux", row.vmlinux});
    EXPECT_EQ(bt.out, plain.out);
}

// objcopy --strip-debug keeps the symbols, the BTF and the build ID: the pair still opens.
TEST(OpenWarnings, AVmlinuxWithoutDwarfIsOneWarning) {
    const auto& row = manifestRow("process", "kdump", "kdump-zlib");
    const std::string stripped = tempPath("stripped");
    const std::string command =
        "objcopy --strip-debug '" + row.vmlinux + "' '" + stripped + "' 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    CliResult info, bt;
    {
        WithoutIndexCache noCache;
        info = runCli({"info", row.dump, "--vmlinux", stripped});
        bt = runCli({"bt", "-l", row.dump, "--vmlinux", stripped});
    }
    fs::remove(stripped);
    const std::string warning = "panicscope: warning: " + stripped +
                                " has no DWARF debug info: no file:line, inline frames or CFI "
                                "(results may be partial)\n";
    EXPECT_EQ(info.status, 0) << info.err;
    EXPECT_EQ(info.err, warning);
    EXPECT_EQ(bt.status, 0) << bt.err;
    EXPECT_EQ(bt.err, warning);
    EXPECT_NE(bt.out.find("#1 "), std::string::npos) << bt.out;
    // With the real vmlinux: no warning at all.
    const auto real = runCli({"info", row.dump, "--vmlinux", row.vmlinux});
    EXPECT_EQ(real.err, "");
}

// Damage in the DWARF costs file:line where it is and says so once, on stderr and in the
// JSON's warnings; the frames stay those of the intact vmlinux. The frame-pointer kernel's
// vmlinux is the smallest to copy; sysrq_handle_crash is on its crashing stack.
class DamagedDwarf : public ::testing::Test {
  protected:
    const DumpRow& row = manifestRow(kFramePointerKernel, "process", "kdump", "kdump-zlib");
    const std::string function = "sysrq_handle_crash";

    void expectOneWarningAndTheSameFrames(const DamagedVmlinux& damaged,
                                          const std::string& section) {
        CliResult bt, json;
        {
            WithoutIndexCache noCache;
            bt = runCli({"bt", "-l", row.dump, "--vmlinux", damaged.path});
            json = runCli({"bt", "-l", "--json", row.dump, "--vmlinux", damaged.path});
        }
        const auto intact = runCli({"bt", "-l", row.dump, "--vmlinux", row.vmlinux});
        const std::string head =
            "panicscope: warning: " + damaged.path + ": " + section + " is damaged (";
        const std::string tail = "): file:line and inline frames are missing where it is\n";
        EXPECT_EQ(bt.status, 0) << bt.err;
        EXPECT_EQ(bt.err.rfind(head, 0), 0u) << bt.err;
        ASSERT_GT(bt.err.size(), tail.size());
        EXPECT_EQ(bt.err.substr(bt.err.size() - tail.size()), tail) << bt.err;
        EXPECT_EQ(std::count(bt.err.begin(), bt.err.end(), '\n'), 1) << bt.err;
        // The intact vmlinux has the function's source line; the damaged one the same frame
        // without it.
        const std::string withLine = frameLine(intact.out, function);
        ASSERT_NE(withLine.find("  drivers/tty/sysrq.c:"), std::string::npos) << intact.out;
        EXPECT_EQ(frameLine(bt.out, function), withLine.substr(0, withLine.rfind("  "))) << bt.out;
        const auto doc = nlohmann::json::parse(json.out);
        ASSERT_EQ(doc["warnings"].size(), 1u) << json.out;
        EXPECT_EQ("panicscope: warning: " + doc["warnings"][0].get<std::string>() + "\n", bt.err);
    }
};

TEST_F(DamagedDwarf, DebugLineIsOneWarning) {
    const SectionSpan lines = sectionOf(row.vmlinux, ".debug_line");
    const DamagedVmlinux damaged(row.vmlinux, "bad-debug-line", lines.offset,
                                 std::string(lines.size, '\xff'));
    expectOneWarningAndTheSameFrames(damaged, ".debug_line");
}

// One unit's header says a DWARF version that does not exist: that unit cannot be read, and
// libdw then cannot read .debug_aranges either; the other units still give their lines.
TEST_F(DamagedDwarf, DebugInfoUnitIsOneWarning) {
    const uint64_t unit = unitOffsetAt(row.vmlinux, systemMapAddress(row.vmlinux, function));
    const SectionSpan info = sectionOf(row.vmlinux, ".debug_info");
    const DamagedVmlinux damaged(row.vmlinux, "bad-debug-info", info.offset + unit + 4, "\xff\xff");
    expectOneWarningAndTheSameFrames(damaged, ".debug_info");
    CliResult bt;
    {
        WithoutIndexCache noCache;
        bt = runCli({"bt", "-l", row.dump, "--vmlinux", damaged.path});
    }
    std::ostringstream unitOffset;
    unitOffset << std::hex << unit;
    EXPECT_NE(bt.err.find("(invalid DWARF in the unit at offset 0x" + unitOffset.str() + ")"),
              std::string::npos)
        << bt.err;
    EXPECT_NE(frameLine(bt.out, "panic").find("  kernel/panic.c:"), std::string::npos) << bt.out;
}

// Without .debug_aranges (clang does not write it) the units' own ranges find the same lines:
// no warning, and every task's trace is byte for byte the intact vmlinux's.
TEST_F(DamagedDwarf, NoArangesIsNoDamage) {
    const std::string stripped = tempPath("no-aranges");
    const std::string command =
        "objcopy --remove-section .debug_aranges '" + row.vmlinux + "' '" + stripped + "' 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    CliResult bt;
    {
        WithoutIndexCache noCache;
        bt = runCli({"bt", "-a", "-l", row.dump, "--vmlinux", stripped});
    }
    fs::remove(stripped);
    const auto intact = runCli({"bt", "-a", "-l", row.dump, "--vmlinux", row.vmlinux});
    EXPECT_EQ(bt.status, 0) << bt.err;
    EXPECT_EQ(bt.err, "");
    EXPECT_NE(intact.out.find("  kernel/panic.c:"), std::string::npos) << intact.out;
    EXPECT_EQ(bt.out, intact.out);
}

} // namespace
} // namespace panicscope::testing
