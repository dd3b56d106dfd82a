// The type graph and the value reader on a hand-made BTF: C declarators, bit-fields, enums by
// name, char arrays as strings, function pointers, and bytes the dump lacks.
#include "dump/memory_block.h"
#include "symbols/btf_types.h"
#include "types/type_definition.h"
#include "types/type_graph.h"
#include "types/value_reader.h"

#include <gtest/gtest.h>

#include <cstring>

namespace panicscope::types {
namespace {

// BTF records, built word by word, with their string table.
class BtfBuilder {
  public:
    uint32_t name(const std::string& s) {
        const auto offset = static_cast<uint32_t>(strings_.size());
        strings_ += s + '\0';
        return offset;
    }
    // A type: name, kind, vlen, kind flag, size-or-type, then its trailing words.
    uint32_t type(const std::string& n, uint32_t kind, uint32_t vlen, bool flag,
                  uint32_t sizeOrType, std::vector<uint32_t> trailer = {}) {
        words_.insert(words_.end(), {n.empty() ? 0 : name(n),
                                     (flag ? 1u << 31 : 0) | kind << 24 | vlen, sizeOrType});
        words_.insert(words_.end(), trailer.begin(), trailer.end());
        return ++count_;
    }
    std::string bytes() const {
        const uint32_t typeLength = static_cast<uint32_t>(words_.size() * 4);
        const uint32_t header[] = {0x0001eb9f, 24,         0,
                                   typeLength, typeLength, static_cast<uint32_t>(strings_.size())};
        std::string out(reinterpret_cast<const char*>(header), sizeof header);
        out.append(reinterpret_cast<const char*>(words_.data()), typeLength);
        return out + strings_;
    }

  private:
    std::vector<uint32_t> words_;
    std::string strings_{'\0'};
    uint32_t count_ = 0;
};

constexpr uint64_t kObject = 0xffff888000100000;

class ValueReaderTest : public ::testing::Test {
  protected:
    void SetUp() override {
        BtfBuilder b;
        const uint32_t intType = b.type("int", 1, 0, false, 4, {1u << 24 | 32});       // 1
        const uint32_t charType = b.type("char", 1, 0, false, 1, {3u << 24 | 8});      // 2
        const uint32_t unsignedInt = b.type("unsigned int", 1, 0, false, 4, {32});     // 3
        const uint32_t chars = b.type("", 3, 0, false, 0, {charType, unsignedInt, 8}); // 4
        const uint32_t color = b.type("color", 6, 2, false, 4,                         // 5
                                      {b.name("RED"), 0, b.name("BLUE"), 5});
        const uint32_t pointer = b.type("", 2, 0, false, 7); // 6
        b.type("thing", 4, 6, true, 40,                      // 7
               {b.name("a"), intType, 0,                     // int a;
                b.name("flags"), unsignedInt, 3u << 24 | 35, // unsigned int flags : 3;
                b.name("name"), chars, 64,                   // char name[8];
                b.name("color"), color, 128,                 // enum color color;
                b.name("fn"), 10, 192,                       // int (*fn)(struct thing *);
                b.name("next"), pointer, 256});              // struct thing *next;
        b.type("", 9, 0, false, intType);                    // 8
        b.type("", 13, 1, false, intType, {0, pointer});     // 9
        b.type("", 2, 0, false, 9);                          // 10
        bytes = b.bytes();
        btf = symbols::BtfTypes::parse(bytes);
        ASSERT_TRUE(btf);
        graph.emplace(&*btf, nullptr, "test-vmlinux");
        auto found = graph->findType("struct thing");
        ASSERT_TRUE(found) << found.error().message;
        thing = *found;

        block.address = kObject;
        block.bytes.resize(40);
        const int32_t a = -2;
        std::memcpy(&block.bytes[0], &a, 4);
        block.bytes[4] = 5 << 3; // flags = 5 at bit 35
        std::memcpy(&block.bytes[8], "hi\0junk", 8);
        block.bytes[16] = 5; // BLUE
        const uint64_t fn = 0xffffffff81001234;
        std::memcpy(&block.bytes[24], &fn, 8);
    }

    std::string bytes;
    std::optional<symbols::BtfTypes> btf;
    std::optional<TypeGraph> graph;
    TypeRef thing;
    dump::MemoryBlock block;
};

TEST_F(ValueReaderTest, DeclaresAsC) {
    const TypeDefinition d = describeType(*graph, thing);
    EXPECT_EQ(d.name, "struct thing");
    EXPECT_EQ(d.size, 40u);
    std::vector<std::string> declarations;
    for (const auto& m : d.members)
        declarations.push_back(m.declaration);
    EXPECT_EQ(declarations,
              (std::vector<std::string>{"int a", "unsigned int flags : 3", "char name[8]",
                                        "enum color color", "int (*fn)(struct thing *)",
                                        "struct thing *next"}));
    EXPECT_EQ(d.members[1].offset, 4u);
    EXPECT_EQ(d.members[1].bitOffset, 3u);
    EXPECT_EQ(graph->nameOf({TypeRef::Source::Btf, 8}), "volatile int");
    auto missing = graph->findType("struct nothing");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, "no struct nothing in the debug info of test-vmlinux");
}

TEST_F(ValueReaderTest, ReadsEveryKindAndMarksWhatIsMissing) {
    block.missing = {{kObject + 32, kObject + 40}}; // `next` is not in the dump
    const NameCode names = [](uint64_t address) -> std::optional<std::string> {
        if (address == 0xffffffff81001234) return "do_thing";
        return std::nullopt;
    };
    const Value v = readValue(*graph, thing, kObject, block, names);
    ASSERT_EQ(v.kind, Value::Kind::Struct);
    ASSERT_EQ(v.children.size(), 6u);
    EXPECT_EQ(v.children[0].text, "-2");
    EXPECT_EQ(v.children[0].signedValue, -2);
    EXPECT_EQ(v.children[1].text, "5");
    EXPECT_EQ(v.children[1].bitSize, 3u);
    EXPECT_EQ(v.children[2].kind, Value::Kind::String);
    EXPECT_EQ(v.children[2].text, "hi");
    EXPECT_EQ(v.children[3].text, "BLUE");
    EXPECT_EQ(v.children[4].text, "0xffffffff81001234 <do_thing>");
    EXPECT_EQ(v.children[5].kind, Value::Kind::Missing);
    EXPECT_EQ(v.children[5].text, "<not in dump>");

    auto flags = graph->member(thing, "flags");
    ASSERT_TRUE(flags);
    EXPECT_EQ(readMember(*graph, *flags, kObject, block, {}, "flags").unsignedValue, 5u);
    auto bad = graph->member(thing, "name.x");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "struct thing has no member 'name.x'");
}

TEST(EscapeString, EscapesAsC) {
    EXPECT_EQ(escapeString(std::string("a\"b\\\n\x01", 6)), "a\\\"b\\\\\\n\\001");
}

} // namespace
} // namespace panicscope::types
