// Bad input that needs no real dump: each gives one line on stderr and exit status 1 (2 for
// usage), never a crash.
#include "cli.h"
#include "run_in_process.h"
#include "verbs.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace {

using panicscope::testing::run;

class TempFile {
  public:
    explicit TempFile(const std::string& contents) {
        path_ =
            (std::filesystem::temp_directory_path() /
             ("panicscope-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++)))
                .string();
        std::ofstream(path_, std::ios::binary) << contents;
    }
    ~TempFile() { std::filesystem::remove(path_); }
    const std::string& path() const { return path_; }

  private:
    static inline int counter_ = 0;
    std::string path_;
};

// Found by the mutation campaign: a flipped byte in a dump's linux_banner put its newlines and
// escape sequences into the "does not match" error, which then took several lines.
TEST(CliErrors, AnErrorWithTextFromTheDumpStaysOneLine) {
    std::ostringstream err;
    EXPECT_EQ(panicscope::cli::reportError(
                  err, {panicscope::Errc::Corrupt, "banner 'Linux\nversion\x1b[2J\r'"}),
              1);
    EXPECT_EQ(err.str(), "panicscope: banner 'Linux\\x0aversion\\x1b[2J\\x0d'\n");
}

TEST(CliErrors, MissingFile) {
    auto r = run({"info", "/nonexistent/vmcore"});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: /nonexistent/vmcore: cannot open: No such file or directory\n");
    EXPECT_EQ(r.out, "");
}

TEST(CliErrors, Directory) {
    auto r = run({"ps", "/tmp"});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: /tmp: is a directory, not a dump file\n");
}

TEST(CliErrors, EmptyFile) {
    TempFile f("");
    auto r = run({"info", f.path()});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: " + f.path() + ": file is empty, not a dump\n");
}

TEST(CliErrors, NotADump) {
    TempFile f(std::string(10000, 'x'));
    auto r = run({"log", f.path()});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: " + f.path() +
                         ": not a kernel crash dump (neither ELF core nor kdump-compressed)\n");
}

TEST(CliErrors, FlattenedFormatSaysHowToConvert) {
    std::string header = "makedumpfile";
    header.resize(4096, '\0');
    TempFile f(header);
    auto r = run({"info", f.path()});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: " + f.path() +
                         ": is in makedumpfile's flattened format; convert it first: "
                         "makedumpfile -R OUTPUT < " +
                         f.path() + "\n");
}

TEST(CliErrors, AProgramIsNotADump) {
    auto r = run({"info", "/bin/true"});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: /bin/true: ELF file is not a core dump (did you swap the dump "
                     "and the vmlinux?)\n");
}

TEST(CliErrors, UsageErrorsExitWithTwo) {
    auto r = run({"frobnicate", "vmcore"});
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.err, "panicscope: unknown command 'frobnicate' (see 'panicscope --help')\n");
    r = run({"sym", "vmcore"});
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.err, "panicscope: usage: panicscope sym [options] ADDR|NAME DUMP (see "
                     "'panicscope sym --help')\n");
    r = run({"info"});
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.err, "panicscope: info: no dump file given (see 'panicscope info --help')\n");
    r = run({"info", "-l", "vmcore"});
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.err, "panicscope: info: unknown option '-l' (see 'panicscope info --help')\n");
    r = run({});
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.err, "panicscope: no command given (see 'panicscope --help')\n");
}

TEST(CliHelp, ListsEveryVerbAndOption) {
    auto r = run({"--help"});
    EXPECT_EQ(r.status, 0);
    for (const char* word : {"info DUMP", "ps [PID...] DUMP", "log DUMP", "sym ADDR|NAME DUMP",
                             "runq DUMP", "irq DUMP", "shell DUMP", "--vmlinux FILE", "--json",
                             "--split FILE", "--debug-dir DIR", "--module-dir DIR"})
        EXPECT_NE(r.out.find(word), std::string::npos) << word;
    auto verb = run({"sym", "--help"});
    EXPECT_EQ(verb.status, 0);
    EXPECT_TRUE(verb.out.starts_with("usage: panicscope sym [options] ADDR|NAME DUMP\n"));
}

TEST(CliHelp, EachVerbListsOnlyItsOwnOptions) {
    auto bt = run({"help", "bt"});
    EXPECT_EQ(bt.status, 0);
    EXPECT_TRUE(bt.out.starts_with("usage: panicscope bt [options] "));
    EXPECT_NE(bt.out.find("\n  -a "), std::string::npos) << bt.out;
    EXPECT_NE(bt.out.find("\n  --all "), std::string::npos) << bt.out;
    EXPECT_EQ(bt.out, run({"bt", "--help"}).out);
    auto info = run({"info", "--help"});
    EXPECT_EQ(info.out.find("\n  -a "), std::string::npos) << info.out;
    EXPECT_EQ(info.out.find("\n  -l "), std::string::npos) << info.out;
    EXPECT_NE(info.out.find("\n  --vmlinux FILE"), std::string::npos) << info.out;
}

TEST(CliErrors, DumpBeforeTheVerbSaysTheOrder) {
    TempFile f("not a dump");
    auto r = run({f.path(), "bt"});
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.err, "panicscope: '" + f.path() +
                         "' is a file, not a verb: the verb comes first and the dump last, e.g. "
                         "'panicscope bt " +
                         f.path() + "' (see 'panicscope --help')\n");
}

TEST(CliErrors, CompressedFilesSayHowToDecompress) {
    // The first bytes are what matters: xz's magic, then anything.
    TempFile xz(std::string("\xfd"
                            "7zXZ",
                            5) +
                std::string(1, '\0') + "rest of the stream");
    auto r = run({"info", xz.path()});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.err, "panicscope: " + xz.path() +
                         ": is xz-compressed, not a dump: decompress it first: xz -dk " +
                         xz.path() + "\n");
    std::string bzImage(0x300, '\0');
    bzImage.replace(0x202, 4, "HdrS");
    TempFile kernel(bzImage);
    EXPECT_EQ(run({"info", kernel.path()}).err,
              "panicscope: " + kernel.path() +
                  ": is a bootable kernel image (bzImage/vmlinuz), not a dump: give the vmlinux "
                  "with debug info instead (Debian: the linux-image-RELEASE-dbg package's "
                  "/usr/lib/debug/boot/vmlinux-RELEASE)\n");
}

TEST(CliErrors, AFifoIsRefusedBeforeItBlocks) {
    const std::string fifo =
        (std::filesystem::temp_directory_path() / ("panicscope-fifo-" + std::to_string(::getpid())))
            .string();
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    auto dump = run({"info", fifo});
    auto vmlinux = run({"entry-table", "--vmlinux", fifo});
    std::filesystem::remove(fifo);
    EXPECT_EQ(dump.status, 1);
    EXPECT_EQ(dump.err, "panicscope: " + fifo +
                            ": is a FIFO (pipe), not a file (copy the dump to a file first)\n");
    EXPECT_EQ(vmlinux.status, 1);
    EXPECT_EQ(vmlinux.err,
              "panicscope: cannot open " + fifo + ": it is a FIFO (pipe), not a file\n");
}

TEST(CliErrors, AFullDiskIsAnError) {
    std::ofstream full("/dev/full");
    ASSERT_TRUE(full);
    std::ostringstream err;
    EXPECT_EQ(panicscope::cli::run({"--help"}, full, err), 1);
    EXPECT_EQ(err.str(), "panicscope: cannot write the output: No space left on device\n");
}

} // namespace
