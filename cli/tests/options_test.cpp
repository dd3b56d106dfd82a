#include "options.h"

#include <gtest/gtest.h>

using panicscope::cli::parseOptions;

TEST(Options, TheLastPositionalIsTheDump) {
    auto o = parseOptions({"sym", "--json", "schedule", "vmcore", "--vmlinux", "vmlinux-6.1"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->verb, "sym");
    EXPECT_EQ(o->args, std::vector<std::string>{"schedule"});
    EXPECT_EQ(o->dumpPaths, std::vector<std::string>{"vmcore"});
    EXPECT_EQ(o->vmlinux, "vmlinux-6.1");
    EXPECT_TRUE(o->json);
}

TEST(Options, SplitPartsFollowTheMainDump) {
    auto o =
        parseOptions({"info", "--split=part2", "part1", "--split", "part3", "--debug-dir", "/dbg"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->dumpPaths, (std::vector<std::string>{"part1", "part2", "part3"}));
    EXPECT_EQ(o->debugDirs, std::vector<std::string>{"/dbg"});
}

TEST(Options, ModuleDirsAreRepeatable) {
    auto o =
        parseOptions({"bt", "--module-dir", "/ko", "--json", "--module-dir=/build/ko", "vmcore"});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->moduleDirs, (std::vector<std::string>{"/ko", "/build/ko"}));
    EXPECT_TRUE(o->debugDirs.empty());
    EXPECT_EQ(o->dumpPaths, std::vector<std::string>{"vmcore"});
    EXPECT_TRUE(o->args.empty());
    EXPECT_EQ(parseOptions({"bt", "vmcore", "--module-dir"}).error().message,
              "--module-dir needs a value");
}

TEST(Options, UsageErrorsSayWhatIsWrong) {
    EXPECT_EQ(parseOptions({}).error().message, "no command given");
    EXPECT_EQ(parseOptions({"info"}).error().message, "info: no dump file given");
    EXPECT_EQ(parseOptions({"info", "vmcore", "--vmlinux"}).error().message,
              "--vmlinux needs a value");
    EXPECT_EQ(parseOptions({"ps", "-x", "vmcore"}).error().message, "unknown option '-x'");
}

TEST(Options, HelpNeedsNoDump) {
    auto o = parseOptions({"--help"});
    ASSERT_TRUE(o);
    EXPECT_TRUE(o->help);
    auto v = parseOptions({"ps", "--help"});
    ASSERT_TRUE(v);
    EXPECT_TRUE(v->help);
}
