// bt --module-dir on the test module's NULL store (mod-null): file:line for the module's frames
// from the panicscope_crash.ko the generator built (next to the vmlinux), none without it, and a
// warning instead of wrong lines when the .ko is another build of the module.
#include "dump_manifest.h"
#include "run_cli.h"
#include "temp_files.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <elf.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>

namespace panicscope::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kModuleSource = PANICSCOPE_SOURCE_DIR "/testdata/module/panicscope_crash.c";
constexpr const char* kKernel61 = "6.1.0-56-cloud-amd64";
constexpr const char* kKernel612 = "6.12.117+deb12-cloud-amd64";

const DumpRow& modNull(const std::string& kernel) {
    return manifestRow(kernel, "mod-null", "kdump", "kdump-zlib");
}

// Where the generator put the module it loaded: beside the vmlinux.
std::string moduleDir(const DumpRow& row) {
    return fs::path(row.vmlinux).parent_path().string();
}

std::vector<std::string> readLines(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

std::string trimmed(const std::string& s) {
    const size_t first = s.find_first_not_of(" \t");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// Line numbers (1-based) in the module's source: where the NULL store is, and where psc_write
// calls psc_null_store (its frame's return address is on that call).
struct SourceFacts {
    int nullStore = 0;
    int writeStart = 0, writeEnd = 0; // psc_write's definition up to its closing brace
    int writeCallsNullStore = 0;
};

SourceFacts sourceFacts() {
    const auto lines = readLines(kModuleSource);
    SourceFacts facts;
    for (size_t i = 0; i < lines.size(); ++i) {
        const int line = static_cast<int>(i) + 1;
        if (lines[i].find("*psc_null_ptr = 0x5053;") != std::string::npos) facts.nullStore = line;
        if (lines[i].starts_with("static ssize_t psc_write(")) facts.writeStart = line;
        if (facts.writeStart && !facts.writeEnd && lines[i] == "}") facts.writeEnd = line;
        if (facts.writeStart && !facts.writeEnd && !facts.writeCallsNullStore &&
            trimmed(lines[i]) == "psc_null_store();")
            facts.writeCallsNullStore = line;
    }
    return facts;
}

// The crashing task's frames in panicscope_crash (bt prints the crashing task by default).
std::vector<json> moduleFrames(const std::string& btJson) {
    const json bt = json::parse(btJson);
    std::vector<json> frames;
    for (const auto& f : bt["tasks"].at(0)["frames"])
        if (f["module"] == "panicscope_crash") frames.push_back(f);
    return frames;
}

std::string tempDir(const std::string& name) {
    const fs::path dir = tempPath(name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir.string();
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The ELF sizes of a .ko's function symbols, read with <elf.h> alone (not the code under test).
std::map<std::string, uint64_t> functionSizes(const std::string& koPath) {
    const std::string file = readFile(koPath);
    std::map<std::string, uint64_t> sizes;
    Elf64_Ehdr eh{};
    if (file.size() < sizeof eh) return sizes;
    std::memcpy(&eh, file.data(), sizeof eh);
    auto section = [&](size_t i) {
        Elf64_Shdr sh{};
        std::memcpy(&sh, file.data() + eh.e_shoff + i * sizeof sh, sizeof sh);
        return sh;
    };
    for (size_t i = 0; i < eh.e_shnum; ++i) {
        const Elf64_Shdr symtab = section(i);
        if (symtab.sh_type != SHT_SYMTAB) continue;
        const Elf64_Shdr strtab = section(symtab.sh_link);
        for (uint64_t at = 0; at + sizeof(Elf64_Sym) <= symtab.sh_size; at += sizeof(Elf64_Sym)) {
            Elf64_Sym sym{};
            std::memcpy(&sym, file.data() + symtab.sh_offset + at, sizeof sym);
            if (ELF64_ST_TYPE(sym.st_info) == STT_FUNC && sym.st_shndx != SHN_UNDEF)
                sizes[file.data() + strtab.sh_offset + sym.st_name] = sym.st_size;
        }
    }
    return sizes;
}

class ModuleDebugInfo : public ::testing::TestWithParam<const char*> {};

TEST_P(ModuleDebugInfo, ModuleFramesHaveTheKosFileAndLine) {
    const DumpRow& row = modNull(GetParam());
    const SourceFacts source = sourceFacts();
    ASSERT_NE(source.nullStore, 0) << kModuleSource;
    ASSERT_NE(source.writeCallsNullStore, 0) << kModuleSource;
    const auto r = runCli(
        {"bt", "--json", row.dump, "--vmlinux", row.vmlinux, "--module-dir", moduleDir(row)});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    const auto frames = moduleFrames(r.out);
    ASSERT_EQ(frames.size(), 2u) << r.out;
    // The faulting store itself (interrupted: its pc is exact), then psc_write at its call.
    EXPECT_EQ(frames[0]["function"], "psc_null_store");
    EXPECT_EQ(frames[0]["inline"], false);
    EXPECT_EQ(frames[0]["interrupted"], true);
    ASSERT_TRUE(frames[0]["file"].is_string()) << frames[0];
    EXPECT_EQ(fs::path(frames[0]["file"].get<std::string>()).filename(), "panicscope_crash.c");
    // The source must be the one the dumps' module was built from (a manifest made before an
    // edit of panicscope_crash.c has other lines: compare key-inputs.txt beside the manifest).
    const std::string stale = " (dumps generated from another panicscope_crash.c?)";
    EXPECT_EQ(frames[0]["line"], source.nullStore) << frames[0] << stale;
    EXPECT_EQ(frames[1]["function"], "psc_write");
    EXPECT_EQ(frames[1]["inline"], false);
    EXPECT_EQ(frames[1]["interrupted"], false);
    ASSERT_TRUE(frames[1]["file"].is_string()) << frames[1];
    EXPECT_EQ(fs::path(frames[1]["file"].get<std::string>()).filename(), "panicscope_crash.c");
    EXPECT_EQ(frames[1]["line"], source.writeCallsNullStore) << frames[1] << stale;
    EXPECT_GT(source.writeCallsNullStore, source.writeStart);
    EXPECT_LT(source.writeCallsNullStore, source.writeEnd);
}

TEST_P(ModuleDebugInfo, WithoutModuleDirModuleFramesHaveNoLines) {
    const DumpRow& row = modNull(GetParam());
    const auto r = runCli({"bt", "--json", row.dump, "--vmlinux", row.vmlinux});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    const auto frames = moduleFrames(r.out);
    ASSERT_EQ(frames.size(), 2u) << r.out;
    EXPECT_EQ(frames[0]["function"], "psc_null_store");
    EXPECT_EQ(frames[1]["function"], "psc_write");
    for (const auto& f : frames) {
        EXPECT_TRUE(f["file"].is_null()) << f;
        EXPECT_TRUE(f["line"].is_null()) << f;
    }
}

TEST_P(ModuleDebugInfo, NestedInlineFramesEachSitAtTheirCallSite) {
    // mod-softlockup spins in psc_softlockup's cpu_relax(), which inlines rep_nop(): the timer
    // interrupt's pc is in all three. Innermost first, each outer one at its call of the inner.
    const DumpRow& row = manifestRow(GetParam(), "mod-softlockup", "kdump", "kdump-zlib");
    int cpuRelaxCall = 0;
    const auto lines = readLines(kModuleSource);
    for (size_t i = 0; i < lines.size(); ++i)
        if (trimmed(lines[i]) == "cpu_relax();") cpuRelaxCall = static_cast<int>(i) + 1;
    ASSERT_NE(cpuRelaxCall, 0) << kModuleSource;
    const auto r = runCli(
        {"bt", "--json", row.dump, "--vmlinux", row.vmlinux, "--module-dir", moduleDir(row)});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto frames = moduleFrames(r.out);
    ASSERT_GE(frames.size(), 3u) << r.out;
    EXPECT_EQ(frames[0]["function"], "rep_nop");
    EXPECT_EQ(frames[0]["inline"], true);
    EXPECT_EQ(frames[1]["function"], "cpu_relax");
    EXPECT_EQ(frames[1]["inline"], true);
    ASSERT_TRUE(frames[1]["file"].is_string()) << frames[1];
    EXPECT_EQ(fs::path(frames[1]["file"].get<std::string>()).filename(), "processor.h");
    EXPECT_EQ(frames[2]["function"], "psc_softlockup");
    EXPECT_EQ(frames[2]["inline"], false);
    EXPECT_EQ(frames[2]["line"], cpuRelaxCall) << frames[2];
    for (size_t i = 1; i < 3; ++i)
        EXPECT_EQ(frames[i]["pc"], frames[0]["pc"]);
    // The register block names the real symbol at RIP, as the kernel's oops report does.
    const std::string console = readFile(row.console);
    const size_t rip = console.find("RIP: 0010:psc_softlockup+");
    ASSERT_NE(rip, std::string::npos) << row.console;
    const std::string kernelRip = console.substr(rip, console.find_first_of(" \n", rip + 5) - rip);
    const auto text =
        runCli({"bt", "-l", row.dump, "--vmlinux", row.vmlinux, "--module-dir", moduleDir(row)});
    ASSERT_EQ(text.status, 0) << text.err;
    EXPECT_NE(text.out.find("    " + kernelRip + "\n"), std::string::npos) << kernelRip << "\n"
                                                                           << text.out;
}

INSTANTIATE_TEST_SUITE_P(Kernels, ModuleDebugInfo, ::testing::Values(kKernel61, kKernel612),
                         [](const auto& info) {
                             return std::string(info.param) == kKernel61 ? "k6_1" : "k6_12";
                         });

// The module frames of a bt --json without file:line, and what bt said on stderr.
void expectNoLines(const CliResult& r) {
    ASSERT_EQ(r.status, 0) << r.err;
    const auto frames = moduleFrames(r.out);
    ASSERT_EQ(frames.size(), 2u) << r.out;
    for (const auto& f : frames) {
        EXPECT_TRUE(f["file"].is_null()) << f;
        EXPECT_TRUE(f["line"].is_null()) << f;
    }
}

TEST(ModuleDebugInfoMismatch, AnotherKernelsKoIsIgnoredWithAWarning) {
    const DumpRow& row = modNull(kKernel61);
    const std::string dir = tempDir("module-6.12");
    const std::string ko = dir + "/panicscope_crash.ko";
    fs::copy_file(moduleDir(modNull(kKernel612)) + "/panicscope_crash.ko", ko);
    const auto r =
        runCli({"bt", "--json", row.dump, "--vmlinux", row.vmlinux, "--module-dir", dir});
    expectNoLines(r);
    EXPECT_EQ(r.err, "panicscope: warning: " + ko +
                         " does not match the loaded module panicscope_crash (it is built for " +
                         kKernel612 + ", the dump is " + kKernel61 +
                         "): no file:line for its frames\n");
    fs::remove_all(dir);
}

// The 6.12 build of the module with the 6.1 build's vermagic: only the function sizes tell.
TEST(ModuleDebugInfoMismatch, AnotherBuildForTheSameKernelIsIgnoredWithAWarning) {
    const DumpRow& row = modNull(kKernel61);
    const std::string ko61 = moduleDir(row) + "/panicscope_crash.ko";
    const std::string ko612 = moduleDir(modNull(kKernel612)) + "/panicscope_crash.ko";
    auto vermagic = [](const std::string& bytes) {
        const size_t at = bytes.find("vermagic=");
        return at == std::string::npos ? std::string() : std::string(bytes.c_str() + at);
    };
    const std::string own = vermagic(readFile(ko61));
    std::string other = readFile(ko612);
    const std::string theirs = vermagic(other);
    ASSERT_FALSE(own.empty());
    ASSERT_LE(own.size(), theirs.size()) << own << " / " << theirs;
    // Same place, same length: the rest of the string becomes NUL padding, as in .modinfo.
    other.replace(other.find(theirs), theirs.size(),
                  own + std::string(theirs.size() - own.size(), '\0'));
    const std::string dir = tempDir("module-6.12-as-6.1");
    const std::string ko = dir + "/panicscope_crash.ko";
    std::ofstream(ko, std::ios::binary) << other;

    const auto r =
        runCli({"bt", "--json", row.dump, "--vmlinux", row.vmlinux, "--module-dir", dir});
    expectNoLines(r);
    // One line naming a function whose size differs: the dump's is the 6.1 build's.
    const std::regex warning("panicscope: warning: (.*) does not match the loaded module "
                             "panicscope_crash \\((\\w+) is 0x([0-9a-f]+) bytes in the dump, "
                             "0x([0-9a-f]+) in the file\\): no file:line for its frames\n");
    std::smatch m;
    ASSERT_TRUE(std::regex_match(r.err, m, warning)) << r.err;
    EXPECT_EQ(m[1].str(), ko);
    const auto sizes61 = functionSizes(ko61);
    const auto sizes612 = functionSizes(ko612);
    const std::string function = m[2].str();
    ASSERT_TRUE(sizes61.contains(function)) << function;
    ASSERT_TRUE(sizes612.contains(function)) << function;
    EXPECT_EQ(std::stoull(m[3].str(), nullptr, 16), sizes61.at(function));
    EXPECT_EQ(std::stoull(m[4].str(), nullptr, 16), sizes612.at(function));
    EXPECT_NE(sizes61.at(function), sizes612.at(function));
    fs::remove_all(dir);
}

TEST(ModuleDebugInfoMismatch, ADirectoryWithoutTheKoSaysSo) {
    const DumpRow& row = modNull(kKernel61);
    const std::string dir = tempDir("module-none");
    const auto r = runCli({"bt", "--json", row.dump, "--vmlinux", row.vmlinux, "--module-dir", dir,
                           "--module-dir=" + dir + "/absent"});
    expectNoLines(r);
    EXPECT_EQ(r.err, "panicscope: warning: module directory " + dir +
                         "/absent: no such directory (results may be partial)\n"
                         "panicscope: warning: no panicscope_crash.ko in the module directories: "
                         "no file:line for its frames\n");
    fs::remove_all(dir);
}

} // namespace
} // namespace panicscope::testing
