// Crafted damage to a real generated dump (the frame-pointer kernel's, the smallest): page
// descriptors, truncated notes and segments, sizes that wrap, VMCOREINFO's PAGESIZE, bitmaps
// and notes larger than the file. Each once crashed, hung or read past a buffer (issue 14);
// now each is one clear line, or a missing page while the rest of the dump still reads. The
// expected offsets are computed here from the file's own headers, not by panicscope.
#include "byte_fields.h"
#include "drgn_oracle.h"
#include "dump_manifest.h"
#include "run_cli.h"
#include "temp_files.h"

#include <gtest/gtest.h>

#include <bit>
#include <elf.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <tuple>

namespace panicscope::testing {
namespace {

namespace fs = std::filesystem;

std::string readBytes(const std::string& path, uint64_t limit = UINT64_MAX) {
    std::ifstream in(path, std::ios::binary);
    std::string bytes;
    bytes.resize(std::min<uint64_t>(fs::file_size(path), limit));
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return bytes;
}

// A file under the temp directory holding `bytes`, removed with the object.
struct TempDump {
    std::string path;
    TempDump(const std::string& name, const std::string& bytes)
        : path(tempPath("hostile-" + name)) {
        std::ofstream(path, std::ios::binary) << bytes;
    }
    ~TempDump() { fs::remove(path); }
};

// A VMCOREINFO value as the kernel wrote it into the file ("KEY=value\n").
std::string vmcoreinfoValue(const std::string& bytes, const std::string& key) {
    const size_t at = bytes.find(key + "=");
    if (at == std::string::npos) throw std::runtime_error("no " + key + " in the dump");
    const size_t from = at + key.size() + 1;
    return bytes.substr(from, bytes.find('\n', from) - from);
}

// The physical page frame of a kernel-image symbol: VMCOREINFO's address, less the image's
// base, plus phys_base.
uint64_t imagePfn(const std::string& bytes, const std::string& symbol) {
    const uint64_t address = std::stoull(vmcoreinfoValue(bytes, "SYMBOL(" + symbol + ")"), 0, 16);
    const int64_t physBase = std::stoll(vmcoreinfoValue(bytes, "NUMBER(phys_base)"));
    return (address - 0xffffffff80000000ull + uint64_t(physBase)) >> 12;
}

// makedumpfile's layout (diskdump_mod.h): the file offset of a page frame's descriptor.
uint64_t descriptorOffset(const std::string& kdump, uint64_t pfn) {
    const auto blockSize = get<int32_t>(kdump, 428);
    const auto subHeaderBlocks = get<int32_t>(kdump, 432);
    const auto bitmapBlocks = get<uint32_t>(kdump, 436);
    const uint64_t bitmap = (1 + uint64_t(subHeaderBlocks)) * uint64_t(blockSize);
    const uint64_t half = uint64_t(bitmapBlocks) * uint64_t(blockSize) / 2;
    auto bit = [&](uint64_t p) { return (uint8_t(kdump[bitmap + half + p / 8]) >> (p % 8)) & 1; };
    if (!bit(pfn)) throw std::runtime_error("page frame not in the dump");
    uint64_t rank = 0;
    for (uint64_t p = 0; p < pfn; ++p)
        rank += bit(p);
    return bitmap + 2 * half + rank * 24;
}

std::string hexOf(uint64_t v) {
    char text[32];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(v));
    return text;
}

class HostileKdump : public ::testing::Test {
  protected:
    const DumpRow& row = manifestRow(kFramePointerKernel, "process", "kdump", "kdump-zlib");
    std::string bytes = readBytes(row.dump);
    uint64_t utsPfn = imagePfn(bytes, "init_uts_ns");
    uint64_t utsDescriptor = descriptorOffset(bytes, utsPfn);
};

// libkdumpfile 0.5.1 copies `size` bytes into a page-sized buffer: a heap overflow (SIGSEGV)
// before the descriptors were checked.
TEST_F(HostileKdump, CompressedSizeOverAPageIsRefusedBeforeLibkdumpfileReadsIt) {
    ASSERT_NE(get<uint32_t>(bytes, utsDescriptor + 12) & 0x27, 0u) << "a compressed page";
    put<uint32_t>(bytes, utsDescriptor + 8, 0x10000);
    TempDump dump("oversize", bytes);
    const auto r = runCli({"info", dump.path, "--vmlinux", row.vmlinux});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: " + dump.path +
                         ": 1 kdump page descriptor(s) are corrupt, the first at file offset " +
                         std::to_string(utsDescriptor) +
                         ": compressed size 65536 is larger than a page (4096 bytes); "
                         "libkdumpfile cannot read this dump safely\n");
}

// A damaged descriptor libkdumpfile can survive costs its page only, with the reason.
TEST_F(HostileKdump, UnknownCompressionFlagMakesItsPageMissingAndTheRestReads) {
    put<uint32_t>(bytes, utsDescriptor + 12, get<uint32_t>(bytes, utsDescriptor + 12) | 0x40);
    TempDump dump("flags", bytes);
    const std::string page = hexOf(utsPfn << 12);
    auto r = runCli({"rd", "-p", page, dump.path, "--vmlinux", row.vmlinux});
    EXPECT_NE(r.out.find("physical address " + page + ": page frame " + hexOf(utsPfn) +
                         " has a corrupt page descriptor at file offset " +
                         std::to_string(utsDescriptor) + ": unknown compression flags 0x41"),
              std::string::npos)
        << r.out << r.err;
    r = runCli({"ps", dump.path, "--vmlinux", row.vmlinux});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("swapper/0"), std::string::npos) << r.out;
}

TEST_F(HostileKdump, PageDataPastTheEndOfTheFileIsMissing) {
    put<int64_t>(bytes, utsDescriptor, int64_t(bytes.size()) - 10);
    TempDump dump("past-end", bytes);
    const std::string page = hexOf(utsPfn << 12);
    const auto r = runCli({"rd", "-p", page, dump.path, "--vmlinux", row.vmlinux});
    EXPECT_NE(r.out.find("-- not in the dump up to "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("page frame " + hexOf(utsPfn) +
                         ": its data lies past the end of the "
                         "file"),
              std::string::npos)
        << r.out;
}

// PAGESIZE=0 divided by zero in libkdumpfile (SIGFPE); 1 made each byte a page.
TEST_F(HostileKdump, PageSizeOtherThan4096IsRefused) {
    for (const char* size : {"0000", "0001", "8192"}) {
        std::string edited = bytes;
        const size_t at = edited.find("PAGESIZE=4096");
        ASSERT_NE(at, std::string::npos);
        edited.replace(at + 9, 4, size);
        TempDump dump(std::string("pagesize-") + size, edited);
        const auto r = runCli({"info", dump.path, "--vmlinux", row.vmlinux});
        EXPECT_EQ(r.status, 1);
        EXPECT_EQ(r.err, "panicscope: " + dump.path + ": VMCOREINFO says PAGESIZE=" + size +
                             ", but x86-64 pages are 4096 bytes\n");
    }
}

// A bitmap larger than max_mapnr needs cost its size in memory and time (2 GiB, 15 s) before.
TEST_F(HostileKdump, BitmapLargerThanMaxMapnrNeedsIsRefused) {
    const auto blocks = get<uint32_t>(bytes, 436);
    put<uint32_t>(bytes, 436, blocks * 4096);
    TempDump dump("bitmap", bytes);
    const auto r = runCli({"info", dump.path, "--vmlinux", row.vmlinux});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: " + dump.path + ": kdump header: a page bitmap of " +
                         std::to_string(blocks * 4096) + " blocks does not fit " +
                         std::to_string(get<uint64_t>(bytes, 4096 + 96)) +
                         " page frames (max_mapnr)\n");
}

// A huge max_mapnr with a bitmap to match: the file cannot hold it, and nothing is allocated.
TEST_F(HostileKdump, BitmapLargerThanTheFileIsTruncation) {
    put<uint64_t>(bytes, 4096 + 96, uint64_t(1) << 36); // max_mapnr_64
    put<uint32_t>(bytes, 436, uint32_t((uint64_t(1) << 36) / 8 / 4096 * 2));
    TempDump dump("maxmapnr", bytes);
    const uint64_t needs = (1 + uint64_t(get<int32_t>(bytes, 432))) * 4096 + (uint64_t(1) << 34);
    const auto r = runCli({"info", dump.path, "--vmlinux", row.vmlinux});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: " + dump.path + ": dump is truncated: it needs " +
                         std::to_string(needs) + " bytes but the file has " +
                         std::to_string(bytes.size()) + "\n");
}

TEST_F(HostileKdump, NoteAreaOverTheLimitIsRefused) {
    put<uint64_t>(bytes, 4096 + 56, uint64_t(512) << 20); // size_note
    TempDump dump("notes", bytes);
    const auto r = runCli({"info", dump.path, "--vmlinux", row.vmlinux});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: " + dump.path +
                         ": kdump header: its notes would be 536870912 bytes, over the limit of "
                         "67108864\n");
}

class HostileElf : public ::testing::Test {
  protected:
    const DumpRow& row = manifestRow(kFramePointerKernel, "process", "qemu", "elf");
    Elf64_Phdr note{}, load{}; // set by head's initializer, so declared before it
    uint64_t noteHeader = 0, loadHeader = 0;
    // The ELF header, program headers and notes, and three pages of the first segment: a
    // copy cut short, a few KiB instead of 512 MiB.
    std::string head = [this] {
        const std::string start = readBytes(row.dump, 64 * 1024);
        const auto eh = get<Elf64_Ehdr>(start, 0);
        for (unsigned i = 0; i < eh.e_phnum; ++i) {
            const auto ph = get<Elf64_Phdr>(start, eh.e_phoff + i * sizeof(Elf64_Phdr));
            if (ph.p_type == PT_NOTE) note = ph, noteHeader = eh.e_phoff + i * sizeof(Elf64_Phdr);
            if (ph.p_type == PT_LOAD && !load.p_filesz)
                load = ph, loadHeader = eh.e_phoff + i * sizeof(Elf64_Phdr);
        }
        return start.substr(0, load.p_offset + 3 * 4096 + 100);
    }();
};

// Notes past the end were read through libkdumpfile's mapping of the file: SIGBUS.
TEST_F(HostileElf, NotesPastTheEndAreFatal) {
    ASSERT_GT(note.p_filesz, 256u);
    TempDump dump("notes-cut", head.substr(0, note.p_offset + 256));
    const auto r = runCli({"info", dump.path, "--vmlinux", row.vmlinux});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: " + dump.path + ": dump is truncated: it needs " +
                         std::to_string(note.p_offset + note.p_filesz) +
                         " bytes but the file has " + std::to_string(note.p_offset + 256) +
                         " (its notes: the CPUs' registers and VMCOREINFO)\n");
}

// A page whose bytes run past the end of the file is missing, not zeros or SIGBUS.
TEST_F(HostileElf, SegmentPagesPastTheEndAreMissing) {
    TempDump dump("load-cut", head);
    const uint64_t whole = load.p_paddr + 2 * 4096, cut = load.p_paddr + 3 * 4096;
    auto r = runCli({"rd", "-p", hexOf(whole), dump.path, "--vmlinux", row.vmlinux});
    EXPECT_EQ(r.out.find("not in the dump"), std::string::npos) << r.out;
    r = runCli({"rd", "-p", hexOf(cut), dump.path, "--vmlinux", row.vmlinux});
    EXPECT_NE(r.out.find("physical page " + hexOf(cut) + " lies past the end of the file"),
              std::string::npos)
        << r.out;
}

// p_offset + p_filesz wrapped past the truncation check; libkdumpfile then failed without a
// message and a std::string was built from its NULL (an abort before the CLI caught it).
TEST_F(HostileElf, SizeThatWrapsIsCorrupt) {
    std::string bytes = head;
    put<uint64_t>(bytes, loadHeader + offsetof(Elf64_Phdr, p_filesz), UINT64_MAX);
    TempDump dump("wrap", bytes);
    const auto r = runCli({"info", dump.path, "--vmlinux", row.vmlinux});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: " + dump.path + ": ELF program header " +
                         std::to_string((loadHeader - get<Elf64_Ehdr>(bytes, 0).e_phoff) /
                                        sizeof(Elf64_Phdr)) +
                         ": offset " + std::to_string(load.p_offset) +
                         " + size 18446744073709551615 overflows\n");
}

// A 512 MiB PT_LOAD retyped as PT_NOTE cost 1 GiB and 16 s before its error.
TEST_F(HostileElf, NoteOverTheLimitIsRefused) {
    std::string bytes = head;
    put<uint64_t>(bytes, noteHeader + offsetof(Elf64_Phdr, p_filesz), uint64_t(512) << 20);
    TempDump dump("big-note", bytes);
    const auto r = runCli({"info", dump.path, "--vmlinux", row.vmlinux});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: " + dump.path +
                         ": ELF notes would be 536870912 bytes, over the limit of 67108864\n");
}

// libkdumpfile reads every section header once e_shoff is set, each with e_shentsize as its
// size: 0 made it read the count through a null pointer (SIGSEGV, found by the dump_file fuzz
// target), and a count past the end of the file read there.
TEST_F(HostileElf, SectionHeadersOfAnotherSizeOrPastTheEndAreCorrupt) {
    const std::string reason[] = {"entry size 0 is not 64",
                                  "4096 at offset 64 do not fit in the file"};
    for (int i = 0; i < 2; ++i) {
        std::string bytes = head;
        put<uint64_t>(bytes, offsetof(Elf64_Ehdr, e_shoff), 64);
        put<uint16_t>(bytes, offsetof(Elf64_Ehdr, e_shentsize), i == 0 ? 0 : 64);
        put<uint16_t>(bytes, offsetof(Elf64_Ehdr, e_shnum), i == 0 ? 0 : 4096);
        TempDump dump("sections", bytes);
        const auto r = runCli({"info", dump.path, "--vmlinux", row.vmlinux});
        EXPECT_EQ(r.status, 1);
        EXPECT_EQ(r.err, "panicscope: " + dump.path + ": ELF section headers: " + reason[i] + "\n");
    }
}

// A damaged note header loses VMCOREINFO: say so, not that QEMU lacked -device vmcoreinfo.
TEST_F(HostileElf, DamagedNoteHeaderIsNamedWithoutTheQemuHint) {
    std::string bytes = head;
    const auto nameSize = get<uint32_t>(bytes, note.p_offset);
    put<uint32_t>(bytes, note.p_offset + 4, 0x7fffff00);
    TempDump dump("note-header", bytes);
    const auto r = runCli({"info", dump.path, "--vmlinux", row.vmlinux});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: " + dump.path + ": the dump's note at offset 0 is damaged: its " +
                         "name (" + std::to_string(nameSize) +
                         " bytes) and data (2147483392 bytes) run past the end of the notes (" +
                         std::to_string(note.p_filesz) +
                         " bytes); without VMCOREINFO the KASLR offset is unknown\n");
}

TEST_F(HostileElf, PageSizeZeroIsRefused) {
    std::string bytes = head;
    const size_t at = bytes.find("PAGESIZE=4096");
    ASSERT_NE(at, std::string::npos);
    bytes.replace(at + 9, 4, "0000");
    TempDump dump("elf-pagesize", bytes);
    const auto r = runCli({"info", dump.path, "--vmlinux", row.vmlinux});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: " + dump.path +
                         ": VMCOREINFO says PAGESIZE=0000, but x86-64 pages are 4096 bytes\n");
}

// The frame-pointer kernel's uncompressed kdump with a garbage tasks.next in the first process
// after init_task (the walk stops there), and the pids drgn finds running on each CPU.
struct DamagedTaskListDump {
    const DumpRow& row = manifestRow(kFramePointerKernel, "process", "qemu", "mdf-none");
    std::vector<int> running;
    std::unique_ptr<TempDump> dump;
    DamagedTaskListDump();
};

DamagedTaskListDump::DamagedTaskListDump() {
    // drgn on the whole dump: where the first process's tasks.next is, each CPU's current pid.
    const std::string drgnOut = runDrgn(row.dump, row.vmlinux, R"(
from drgn.helpers.linux.mm import virt_to_phys
from drgn.helpers.linux.percpu import per_cpu
from drgn.helpers.linux.cpumask import for_each_online_cpu
print('next', int(virt_to_phys(prog, prog['init_task'].tasks.next.value_())))
for cpu in for_each_online_cpu(prog):
    print('running', int(per_cpu(prog['runqueues'], cpu).curr.pid))
)");
    std::istringstream facts(drgnOut);
    uint64_t next = 0;
    for (std::string key; facts >> key;) // drgn's own messages come first on the same stream
        if (key == "next")
            facts >> next;
        else if (key == "running")
            running.push_back(0), facts >> running.back();
    if (next == 0) throw std::runtime_error("drgn: " + drgnOut);
    std::string bytes = readBytes(row.dump);
    const uint64_t descriptor = descriptorOffset(bytes, next >> 12);
    if (get<uint32_t>(bytes, descriptor + 12) != 0)
        throw std::runtime_error("mdf-none pages should be uncompressed");
    put<uint64_t>(bytes, get<uint64_t>(bytes, descriptor) + (next & 0xfff), 0x4141414141414141);
    dump = std::make_unique<TempDump>("tasks", bytes);
}

const DamagedTaskListDump& damagedTaskList() {
    static const DamagedTaskListDump damaged;
    return damaged;
}

const std::string kTaskListWarning = "task list at 0x4141414141414141: ";

bool listsWarning(const nlohmann::json& doc, const std::string& prefix) {
    return doc.contains("warnings") &&
           std::any_of(doc["warnings"].begin(), doc["warnings"].end(), [&](const auto& w) {
               return w.template get<std::string>().starts_with(prefix);
           });
}

// Before, ps and bt --all lost every task after the damage with nothing on stderr and no
// warnings in the JSON.
TEST(DamagedTaskList, IsReportedAndRunningTasksAreStillFound) {
    const auto& damaged = damagedTaskList();
    const auto& row = damaged.row;
    const auto& running = damaged.running;
    const TempDump& dump = *damaged.dump;

    auto r = runCli({"bt", "--all", "--json", dump.path, "--vmlinux", row.vmlinux});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("panicscope: warning: " + kTaskListWarning), std::string::npos) << r.err;
    const auto bt = nlohmann::json::parse(r.out);
    EXPECT_TRUE(listsWarning(bt, kTaskListWarning)) << bt["warnings"];

    r = runCli({"ps", "--json", dump.path, "--vmlinux", row.vmlinux});
    ASSERT_EQ(r.status, 0) << r.err;
    const auto ps = nlohmann::json::parse(r.out);
    for (int pid : running) {
        SCOPED_TRACE(pid);
        const auto it = std::find_if(ps["tasks"].begin(), ps["tasks"].end(),
                                     [&](const auto& t) { return t["pid"] == pid; });
        ASSERT_NE(it, ps["tasks"].end()) << "a running task is kept";
        if (pid > 1) {
            EXPECT_EQ((*it)["source"], "cpu_current");
        }
    }
}

// What the walks lost is found in init_pid_ns.idr: the completed list is the undamaged one,
// task for task, and says where each task came from.
TEST(DamagedTaskList, IsCompletedFromThePidIdr) {
    const auto& damaged = damagedTaskList();
    auto whole = runCli({"ps", "--json", damaged.row.dump, "--vmlinux", damaged.row.vmlinux});
    ASSERT_EQ(whole.status, 0) << whole.err;
    auto completed = runCli({"ps", "--json", damaged.dump->path, "--vmlinux", damaged.row.vmlinux});
    ASSERT_EQ(completed.status, 0) << completed.err;
    using Row = std::tuple<int, int, int, std::string, std::string, std::string>;
    auto rows = [](const nlohmann::json& ps) {
        std::set<Row> out;
        for (const auto& t : ps["tasks"])
            out.emplace(t["pid"], t["tgid"], t["ppid"], t["comm"], t["task"], t["state"]);
        return out;
    };
    const auto before = nlohmann::json::parse(whole.out),
               after = nlohmann::json::parse(completed.out);
    EXPECT_EQ(rows(after), rows(before));
    EXPECT_GT(before["tasks"].size(), 20u) << "the damage must have lost tasks to find";
    size_t fromIdr = 0;
    for (const auto& t : after["tasks"])
        fromIdr += t["source"] == "pid_idr";
    EXPECT_GT(fromIdr, 10u);
    EXPECT_TRUE(listsWarning(after, std::to_string(fromIdr) +
                                        " tasks the walks missed were found in the pid IDR"))
        << after["warnings"];
    EXPECT_FALSE(listsWarning(before, "")) << "the undamaged dump has no warnings";
}

// Every verb says it, on stderr and in its --json document, whatever it reads.
TEST(DamagedTaskList, IsAWarningOfEveryVerb) {
    const auto& damaged = damagedTaskList();
    const std::vector<std::vector<std::string>> verbs = {{"info"},
                                                         {"sys"},
                                                         {"log"},
                                                         {"sym", "jiffies"},
                                                         {"p", "jiffies"},
                                                         {"rd", "jiffies"},
                                                         {"whatis", "jiffies"},
                                                         {"mod"},
                                                         {"irq"},
                                                         {"kmem", "-i"},
                                                         {"dis", "schedule", "2"}};
    for (auto args : verbs) {
        SCOPED_TRACE(args[0]);
        args.insert(args.begin() + 1, "--json");
        args.insert(args.end(), {damaged.dump->path, "--vmlinux", damaged.row.vmlinux});
        const auto r = runCli(args);
        ASSERT_EQ(r.status, 0) << r.err;
        EXPECT_NE(r.err.find("panicscope: warning: " + kTaskListWarning), std::string::npos)
            << r.err;
        const auto doc = nlohmann::json::parse(r.out);
        EXPECT_TRUE(listsWarning(doc, kTaskListWarning)) << doc["warnings"].dump();
    }
}

} // namespace
} // namespace panicscope::testing
