#include "shell_line.h"

#include <gtest/gtest.h>

namespace panicscope::cli {
namespace {

using Words = std::vector<std::string>;

TEST(ShellLine, SplitsWordsWithQuotesAndEscapes) {
    auto l = parseShellLine("  bt  -l\t'a b' \"c\\\"d\" e\\ f  ");
    ASSERT_TRUE(l) << l.error().message;
    EXPECT_EQ(l->words, (Words{"bt", "-l", "a b", "c\"d", "e f"}));
    EXPECT_EQ(l->sink, ShellLine::Sink::Default);
    EXPECT_TRUE(parseShellLine("   ")->words.empty());
}

TEST(ShellLine, OutputGoesToAFileOrACommand) {
    auto file = parseShellLine("bt --all > 'out put.txt'");
    ASSERT_TRUE(file) << file.error().message;
    EXPECT_EQ(file->words, (Words{"bt", "--all"}));
    EXPECT_EQ(file->sink, ShellLine::Sink::File);
    EXPECT_EQ(file->target, "out put.txt");

    auto append = parseShellLine("ps>>log.txt");
    ASSERT_TRUE(append) << append.error().message;
    EXPECT_EQ(append->words, Words{"ps"});
    EXPECT_EQ(append->sink, ShellLine::Sink::AppendFile);
    EXPECT_EQ(append->target, "log.txt");

    // The rest of the line is the shell's, '>' and quotes included.
    auto pipe = parseShellLine("ps | grep ' R ' > running.txt ");
    ASSERT_TRUE(pipe) << pipe.error().message;
    EXPECT_EQ(pipe->words, Words{"ps"});
    EXPECT_EQ(pipe->sink, ShellLine::Sink::Pipe);
    EXPECT_EQ(pipe->target, "grep ' R ' > running.txt");

    // Quoted, they are arguments.
    EXPECT_EQ(parseShellLine("sym '>' '|'")->words, (Words{"sym", ">", "|"}));
}

TEST(ShellLine, BadLinesSayWhatIsWrong) {
    EXPECT_EQ(parseShellLine("sym 'schedule").error().message, "unclosed ' quote");
    EXPECT_EQ(parseShellLine("bt >").error().message, "'>' needs one file name");
    EXPECT_EQ(parseShellLine("bt >> a b").error().message, "'>>' needs one file name");
    EXPECT_EQ(parseShellLine("bt > a | wc").error().message,
              "output can go to one file or one command");
    EXPECT_EQ(parseShellLine("ps |  ").error().message, "'|' needs a command after it");
    EXPECT_EQ(parseShellLine("> file").error().message, "'>' needs a command before it");
}

} // namespace
} // namespace panicscope::cli
