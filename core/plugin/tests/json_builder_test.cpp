// The JSON a plugin builds through C calls: a well-formed document comes out as built; each
// misuse (no key in an object, a key in an array, an end too many, a second top-level value, a
// container left open, a scalar at the top) is an error naming it, never bad JSON.
#include "plugin/json_builder.h"

#include <gtest/gtest.h>

namespace panicscope::plugin {
namespace {

TEST(JsonBuilder, BuildsWhatItIsTold) {
    JsonBuilder b;
    b.beginObject(nullptr);
    b.value("name", "modtaint");
    b.beginArray("list");
    b.value(nullptr, 1);
    b.beginObject(nullptr);
    b.value("ok", true);
    b.end();
    b.end();
    b.value("none", nullptr);
    b.end();
    auto doc = b.finish();
    ASSERT_TRUE(doc) << doc.error().message;
    ASSERT_TRUE(*doc);
    EXPECT_EQ((*doc)->dump(), R"({"name":"modtaint","list":[1,{"ok":true}],"none":null})");
    JsonBuilder empty;
    auto nothing = empty.finish();
    ASSERT_TRUE(nothing);
    EXPECT_FALSE(*nothing);
}

std::string mistake(void (*calls)(JsonBuilder&)) {
    JsonBuilder b;
    calls(b);
    auto doc = b.finish();
    return doc ? "no error" : doc.error().message;
}

TEST(JsonBuilder, MisuseIsAnError) {
    EXPECT_EQ(mistake([](JsonBuilder& b) {
                  b.beginObject(nullptr);
                  b.value(nullptr, 1);
                  b.end();
              }),
              "a JSON object member with no key");
    EXPECT_EQ(mistake([](JsonBuilder& b) {
                  b.beginArray(nullptr);
                  b.value("k", 1);
                  b.end();
              }),
              "a key ('k') inside a JSON array");
    EXPECT_EQ(mistake([](JsonBuilder& b) { b.end(); }), "json_end with no object or array open");
    EXPECT_EQ(mistake([](JsonBuilder& b) {
                  b.beginObject(nullptr);
                  b.end();
                  b.beginObject(nullptr);
              }),
              "a second top-level JSON value");
    EXPECT_EQ(mistake([](JsonBuilder& b) {
                  b.beginObject(nullptr);
                  b.beginArray("a");
              }),
              "2 JSON object(s) or array(s) left open");
    EXPECT_EQ(mistake([](JsonBuilder& b) { b.value(nullptr, 1); }),
              "the top-level JSON value is no object or array");
    EXPECT_EQ(mistake([](JsonBuilder& b) {
                  for (int i = 0; i < 100; ++i)
                      b.beginArray(nullptr);
              }),
              "JSON nested too deep");
}

} // namespace
} // namespace panicscope::plugin
