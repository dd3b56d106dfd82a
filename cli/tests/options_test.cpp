#include "options.h"
#include "verbs.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {

auto parseOptions(const std::vector<std::string>& argv) {
    return panicscope::cli::parseOptions(argv, panicscope::cli::allVerbs());
}

} // namespace

TEST(Options, TheLastPositionalIsTheDump) {
    auto o = parseOptions({"sym", "--json", "schedule", "vmcore", "--vmlinux", "vmlinux-6.1"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->verb, "sym");
    EXPECT_EQ(o->args, (std::vector<std::string>{"schedule", "vmcore"}));
    EXPECT_EQ(o->vmlinux, "vmlinux-6.1");
    EXPECT_TRUE(o->json);
}

TEST(Options, SplitPartsFollowTheMainDump) {
    auto o =
        parseOptions({"info", "--split=part2", "part1", "--split", "part3", "--debug-dir", "/dbg"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->args, std::vector<std::string>{"part1"});
    EXPECT_EQ(o->dumpPaths, (std::vector<std::string>{"part2", "part3"}));
    EXPECT_EQ(o->debugDirs, std::vector<std::string>{"/dbg"});
}

TEST(Options, ModuleDirsAreRepeatable) {
    auto o =
        parseOptions({"bt", "--module-dir", "/ko", "--json", "--module-dir=/build/ko", "vmcore"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->moduleDirs, (std::vector<std::string>{"/ko", "/build/ko"}));
    EXPECT_TRUE(o->debugDirs.empty());
    EXPECT_EQ(o->args, std::vector<std::string>{"vmcore"});
    EXPECT_EQ(parseOptions({"bt", "vmcore", "--module-dir"}).error().message,
              "--module-dir needs a value (DIR)");
}

TEST(Options, UsageErrorsSayWhatIsWrong) {
    EXPECT_EQ(parseOptions({}).error().message, "no command given");
    EXPECT_EQ(parseOptions({"info", "vmcore", "--vmlinux"}).error().message,
              "--vmlinux needs a value (FILE)");
    EXPECT_EQ(parseOptions({"ps", "-x", "vmcore"}).error().message, "ps: unknown option '-x'");
    EXPECT_EQ(parseOptions({"info", "--json=yes", "vmcore"}).error().message,
              "--json takes no value");
}

TEST(Options, EachVerbTakesOnlyItsOwnOptions) {
    // bt's options mean nothing to info, log or sym: rejected, not ignored.
    EXPECT_EQ(parseOptions({"info", "-l", "vmcore"}).error().message, "info: unknown option '-l'");
    EXPECT_EQ(parseOptions({"log", "-a", "vmcore"}).error().message, "log: unknown option '-a'");
    EXPECT_EQ(parseOptions({"sym", "--all", "x", "vmcore"}).error().message,
              "sym: unknown option '--all'");
    auto bt = parseOptions({"bt", "-l", "--all", "vmcore"});
    ASSERT_TRUE(bt) << bt.error().message;
    EXPECT_TRUE(bt->has("-l"));
    EXPECT_TRUE(bt->has("--all"));
    EXPECT_FALSE(bt->has("-a"));
}

TEST(Options, BundledFlagsSplitLikeCrashs) {
    auto o = parseOptions({"bt", "-al", "vmcore"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_TRUE(o->has("-a"));
    EXPECT_TRUE(o->has("-l"));
    EXPECT_EQ(parseOptions({"bt", "-ax", "vmcore"}).error().message, "bt: unknown option '-ax'");
}

TEST(Options, MistypedVerbsGetASuggestion) {
    EXPECT_EQ(parseOptions({"tb", "vmcore"}).error().message,
              "unknown command 'tb'; did you mean 'bt'?");
    EXPECT_EQ(parseOptions({"entry", "vmcore"}).error().message,
              "unknown command 'entry'; did you mean 'entry-table'?");
    EXPECT_EQ(parseOptions({"frobnicate", "vmcore"}).error().message,
              "unknown command 'frobnicate'");
    EXPECT_EQ(parseOptions({"-a", "bt", "vmcore"}).error().message,
              "option '-a' before the verb: write 'panicscope VERB -a ... DUMP'");
}

TEST(Options, HelpVerbNamesTheVerb) {
    auto o = parseOptions({"help", "bt"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_TRUE(o->help);
    EXPECT_EQ(o->verb, "bt");
    EXPECT_EQ(parseOptions({"help", "btt"}).error().message,
              "unknown command 'btt'; did you mean 'bt'?");
}

TEST(Options, HelpNeedsNoDump) {
    auto o = parseOptions({"--help"});
    ASSERT_TRUE(o);
    EXPECT_TRUE(o->help);
    auto v = parseOptions({"ps", "--help"});
    ASSERT_TRUE(v);
    EXPECT_TRUE(v->help);
}

TEST(Options, AFileAloneOpensTheShell) {
    // Any existing file will do: opening it as a dump is the shell's first step, not parsing's.
    const std::string file = std::filesystem::temp_directory_path() / "panicscope-options-vmcore";
    std::ofstream(file) << "not a dump";
    auto o = parseOptions({file, "--vmlinux", "vmlinux-6.1"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->verb, "shell");
    EXPECT_EQ(o->args, std::vector<std::string>{file});
    EXPECT_EQ(o->vmlinux, "vmlinux-6.1");
    // With more words it is a dump given before its verb, and said so.
    EXPECT_NE(parseOptions({file, "bt"}).error().message.find("is a file, not a verb"),
              std::string::npos);
    // A name that is no file stays an unknown verb.
    EXPECT_EQ(parseOptions({"no-such-vmcore"}).error().message, "unknown command 'no-such-vmcore'");
    std::filesystem::remove(file);
}
