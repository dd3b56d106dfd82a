#include "util/dump_text.h"

#include <gtest/gtest.h>

namespace panicscope {
namespace {

TEST(DumpText, Utf8ValidityFollowsTheStandard) {
    EXPECT_TRUE(isValidUtf8(""));
    EXPECT_TRUE(isValidUtf8("swapper/0"));
    EXPECT_TRUE(isValidUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7")); // é € 🐧
    EXPECT_FALSE(isValidUtf8("\xff"));
    EXPECT_FALSE(isValidUtf8("\xc0\x80"));         // overlong NUL
    EXPECT_FALSE(isValidUtf8("\xe0\x80\xaf"));     // overlong '/'
    EXPECT_FALSE(isValidUtf8("\xed\xa0\x80"));     // a surrogate
    EXPECT_FALSE(isValidUtf8("\xf4\x90\x80\x80")); // past U+10FFFF
    EXPECT_FALSE(isValidUtf8("ab\xe2\x82"));       // cut short
}

TEST(DumpText, InvalidBytesBecomeReplacementCharacters) {
    EXPECT_EQ(replaceInvalidUtf8("kworker\xff/0"), "kworker\xef\xbf\xbd/0");
    EXPECT_EQ(replaceInvalidUtf8("\xe2\x82"), "\xef\xbf\xbd\xef\xbf\xbd");
    EXPECT_EQ(replaceInvalidUtf8("caf\xc3\xa9"), "caf\xc3\xa9");
}

TEST(DumpText, ControlCharactersAreShownNotObeyed) {
    EXPECT_EQ(escapeControlCharacters("\x1b[2Jevil"), "\\x1b[2Jevil");
    EXPECT_EQ(escapeControlCharacters(std::string("a\0b\x7f\n", 5)), "a\\x00b\\x7f\\x0a");
    EXPECT_EQ(escapeControlCharacters("tab\tand caf\xc3\xa9"), "tab\tand caf\xc3\xa9");
}

TEST(DumpText, OnlyPlainNamesBecomePathComponents) {
    EXPECT_TRUE(isPlainPathComponent("6.1.0-56-cloud-amd64"));
    EXPECT_TRUE(isPlainPathComponent("6.12.117+deb12-cloud-amd64"));
    for (const char* bad : {"", ".", "..", "../../etc", "6.1/x", "a\nb"})
        EXPECT_FALSE(isPlainPathComponent(bad)) << bad;
    EXPECT_FALSE(isPlainPathComponent(std::string(256, 'x')));
}

} // namespace
} // namespace panicscope
