// Bad input built from a real generated dump: truncated copies and the wrong vmlinux. One clear
// line for what cannot work, a warning and partial results for what still can, never a crash.
#include "dump/dump_file.h"
#include "dump_manifest.h"
#include "run_cli.h"
#include "symbols/vmlinux.h"
#include "temp_files.h"

#include <gtest/gtest.h>

#include <elf.h>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace panicscope::testing {
namespace {

namespace fs = std::filesystem;

// A copy of the first `bytes` bytes of `source`.
std::string truncatedCopy(const std::string& source, uint64_t bytes, const std::string& name) {
    const std::string path = tempPath(name);
    std::ifstream in(source, std::ios::binary);
    std::ofstream out(path, std::ios::binary);
    std::vector<char> buf(1 << 20);
    while (bytes > 0 && in) {
        in.read(buf.data(), static_cast<std::streamsize>(std::min<uint64_t>(bytes, buf.size())));
        out.write(buf.data(), in.gcount());
        bytes -= static_cast<uint64_t>(in.gcount());
    }
    return path;
}

std::string firstLine(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

size_t lineCount(const std::string& text) {
    return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

// The end of an ELF file's last segment or note, from its program headers.
uint64_t elfExtent(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    Elf64_Ehdr eh{};
    in.read(reinterpret_cast<char*>(&eh), sizeof eh);
    std::vector<Elf64_Phdr> ph(eh.e_phnum);
    in.seekg(static_cast<std::streamoff>(eh.e_phoff));
    in.read(reinterpret_cast<char*>(ph.data()),
            static_cast<std::streamsize>(ph.size() * sizeof(Elf64_Phdr)));
    uint64_t end = 0;
    for (const auto& p : ph)
        end = std::max<uint64_t>(end, p.p_offset + p.p_filesz);
    return end;
}

struct Cut {
    const char* format;
    double fraction; // of the file: where the copy ends
};

class TruncatedDump : public ::testing::TestWithParam<Cut> {};

// Cut inside the page data: the headers are whole, so panicscope warns first and shows what
// it can; whatever then fails, fails on one more line.
TEST_P(TruncatedDump, WarnsAndGivesPartialResults) {
    const auto& row = manifestRow(
        "process", GetParam().format == std::string("elf") ? "qemu" : "kdump", GetParam().format);
    const uint64_t size = fs::file_size(row.dump);
    const auto cut = static_cast<uint64_t>(static_cast<double>(size) * GetParam().fraction);
    const std::string path = truncatedCopy(row.dump, cut, "cut");
    // A kdump file ends with its last page; an ELF core may carry a few bytes past its last
    // segment (QEMU's does), so there the size the headers need is read from them.
    const uint64_t needed = GetParam().format == std::string("elf") ? elfExtent(row.dump) : size;
    for (const char* verb : {"info", "ps", "log", "triage"}) {
        SCOPED_TRACE(verb);
        const auto r = runCli({verb, path, "--vmlinux", row.vmlinux});
        EXPECT_EQ(firstLine(r.err), "panicscope: warning: " + path +
                                        ": dump is truncated: it needs " + std::to_string(needed) +
                                        " bytes but the file has " + std::to_string(cut) +
                                        " (results may be partial)");
        EXPECT_TRUE(r.status == 0 || r.status == 1) << r.status;
        if (r.status == 1) {
            const std::string last = r.err.substr(r.err.rfind('\n', r.err.size() - 2) + 1);
            EXPECT_TRUE(last.starts_with("panicscope: " + path + ": dump is truncated")) << last;
        }
    }
    fs::remove(path);
}

INSTANTIATE_TEST_SUITE_P(Generated, TruncatedDump,
                         ::testing::Values(Cut{"kdump-zlib", 0.2}, Cut{"kdump-zlib", 0.6},
                                           Cut{"kdump-zlib", 0.999}, Cut{"elf", 0.5}),
                         [](const ::testing::TestParamInfo<Cut>& info) {
                             std::string name = std::string(info.param.format) + "_at_" +
                                                std::to_string(int(info.param.fraction * 1000));
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

// Cut inside the headers: nothing can be read, one line says so.
TEST(TruncatedHeaders, KdumpHeaderCutShort) {
    const auto& row = manifestRow("process", "kdump", "kdump-zlib");
    const std::string path = truncatedCopy(row.dump, 100, "kdump-head");
    const auto r = runCli({"info", path, "--vmlinux", row.vmlinux});
    EXPECT_EQ(r.status, 1);
    // The diskdump header's fields up to max_mapnr end at byte 444.
    EXPECT_EQ(r.err, "panicscope: " + path +
                         ": dump is truncated: it needs 444 bytes but the file has 100\n");
    fs::remove(path);
}

TEST(TruncatedHeaders, KdumpBitmapCutShort) {
    const auto& row = manifestRow("process", "kdump", "kdump-zlib");
    const std::string path = truncatedCopy(row.dump, 3 * 4096 + 7, "kdump-bitmap");
    const auto r = runCli({"ps", path, "--vmlinux", row.vmlinux});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(lineCount(r.err), 1u) << r.err;
    EXPECT_TRUE(r.err.starts_with("panicscope: " + path + ": dump is truncated: it needs "));
    EXPECT_TRUE(r.err.ends_with(" bytes but the file has 12295\n")) << r.err;
    fs::remove(path);
}

TEST(TruncatedHeaders, ElfHeaderAndProgramHeadersCutShort) {
    const auto& row = manifestRow("process", "qemu", "elf");
    const std::string head = truncatedCopy(row.dump, 10, "elf-head");
    auto r = runCli({"info", head, "--vmlinux", row.vmlinux});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: " + head +
                         ": dump is truncated: it needs 64 bytes but the file has 10\n");
    const std::string phdrs = truncatedCopy(row.dump, 300, "elf-phdrs");
    r = runCli({"info", phdrs, "--vmlinux", row.vmlinux});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(lineCount(r.err), 1u) << r.err;
    EXPECT_TRUE(r.err.starts_with("panicscope: " + phdrs + ": dump is truncated: it needs "))
        << r.err;
    fs::remove(head);
    fs::remove(phdrs);
}

// A copy of the fake vmlinux program with `release` over the placeholder in its banner.
std::string fakeVmlinux(const std::string& release) {
    std::ifstream in(PANICSCOPE_FAKE_VMLINUX, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string placeholder(48, '@');
    const size_t at = bytes.find(placeholder);
    if (at == std::string::npos || release.size() > placeholder.size())
        throw std::runtime_error("fake vmlinux has no banner placeholder");
    std::string replacement = release;
    replacement.resize(placeholder.size(), ' ');
    bytes.replace(at, placeholder.size(), replacement);
    const std::string path = tempPath("fake-vmlinux-" + release);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

TEST(WrongVmlinux, OtherReleaseIsRefusedNamingBoth) {
    const auto& row = manifestRow("process", "kdump", "kdump-zlib");
    const std::string vmlinux = fakeVmlinux("9.9.9-other");
    const auto r = runCli({"info", row.dump, "--vmlinux", vmlinux});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: vmlinux " + vmlinux + " does not match the dump: the dump is " +
                         row.kernel + ", the vmlinux is 9.9.9-other\n");
    fs::remove(vmlinux);
}

TEST(WrongVmlinux, SameReleaseOtherBuildIsRefused) {
    const auto& row = manifestRow("process", "kdump", "kdump-zlib");
    const std::string vmlinux = fakeVmlinux(row.kernel);
    auto dump = dump::DumpFile::open({row.dump});
    ASSERT_TRUE(dump);
    const auto dumpBuildId = (*dump)->vmcoreinfo().buildId();
    ASSERT_TRUE(dumpBuildId) << "the 6.1 kernel puts BUILD-ID into VMCOREINFO";
    auto fake = symbols::Vmlinux::open(vmlinux);
    ASSERT_TRUE(fake) << fake.error().message;
    ASSERT_FALSE((*fake)->buildId().empty());
    const auto r = runCli({"info", row.dump, "--vmlinux", vmlinux});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: vmlinux " + vmlinux + " does not match the dump: build ID " +
                         *dumpBuildId + " in the dump, " + (*fake)->buildId() +
                         " in the vmlinux (both " + row.kernel + ")\n");
    fs::remove(vmlinux);
}

TEST(WrongVmlinux, UnreadableVmlinux) {
    const auto& row = manifestRow("process", "kdump", "kdump-zlib");
    const auto r = runCli({"info", row.dump, "--vmlinux", "/nonexistent/vmlinux"});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: cannot open /nonexistent/vmlinux: No such file or directory\n");
}

TEST(FindVmlinux, DebugDirHoldingTheVmlinuxIsSearched) {
    const auto& row = manifestRow("process", "kdump", "kdump-zlib");
    const auto r = runCli(
        {"info", row.dump, "--json", "--debug-dir", fs::path(row.vmlinux).parent_path().string()});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("\"vmlinux\": \"" + row.vmlinux + "\""), std::string::npos) << r.out;
}

} // namespace
} // namespace panicscope::testing
