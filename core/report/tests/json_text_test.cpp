#include "report/json_text.h"

#include <gtest/gtest.h>

namespace panicscope::report {
namespace {

const std::string kReplacement = "\xef\xbf\xbd"; // U+FFFD in UTF-8

TEST(JsonText, BytesThatAreNotUtf8KeepTheirOriginalInHex) {
    nlohmann::ordered_json task = {{"pid", 7}, {"comm", "bad\xff\xfe"}, {"state", "S"}};
    EXPECT_EQ(jsonText(task, -1), "{\"pid\":7,\"comm\":\"bad" + kReplacement + kReplacement +
                                      "\",\"state\":\"S\",\"comm_hex\":\"626164fffe\"}");
}

TEST(JsonText, NestedStringsAndArraysAreRepairedToo) {
    nlohmann::ordered_json doc = {
        {"records", {{{"text", "ok"}}, {{"text", "x\xc0"}}}},
        {"names", {"fine", "\xed\xa0\x80"}},
    };
    EXPECT_EQ(jsonText(doc, -1), "{\"records\":[{\"text\":\"ok\"},{\"text\":\"x" + kReplacement +
                                     "\",\"text_hex\":\"78c0\"}],\"names\":[\"fine\",\"" +
                                     kReplacement + kReplacement + kReplacement + "\"]}");
}

TEST(JsonText, ValidDocumentsAreUnchanged) {
    nlohmann::ordered_json doc = {{"comm", "caf\xc3\xa9"}, {"n", 1}};
    EXPECT_EQ(jsonText(doc), doc.dump(2));
}

} // namespace
} // namespace panicscope::report
