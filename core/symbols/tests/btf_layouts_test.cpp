// BTF layouts on hand-built BTF: every rule the DWARF layouts follow (anonymous members,
// bit-fields, arrays, typedefs, declarations), what is left to DWARF, and damaged sections.
#include "fake_memory.h"
#include "symbols/btf_layouts.h"

#include <gtest/gtest.h>

#include <cstring>

namespace panicscope::symbols {
namespace {

// Writes a .BTF section: types get ids from 1 in the order they are added.
class BtfBuilder {
  public:
    struct Field {
        std::string name;
        uint32_t type;
        uint32_t bitOffset;
        uint32_t bitFieldSize = 0; // needs a kind_flag aggregate
    };

    uint32_t integer(const std::string& name, uint32_t bytes, uint32_t bits = 0) {
        return add(BtfKind::Int, name, bytes, {bits ? bits : bytes * 8});
    }
    uint32_t pointer(uint32_t to) { return add(BtfKind::Pointer, "", to, {}); }
    uint32_t array(uint32_t of, uint32_t length) {
        return add(BtfKind::Array, "", 0, {of, 1, length});
    }
    uint32_t typedefOf(const std::string& name, uint32_t to) {
        return add(BtfKind::Typedef, name, to, {});
    }
    uint32_t constOf(uint32_t to) { return add(BtfKind::Const, "", to, {}); }
    uint32_t forward(const std::string& name) { return add(BtfKind::Forward, name, 0, {}); }
    uint32_t aggregate(BtfKind kind, const std::string& name, uint32_t size,
                       const std::vector<Field>& fields, bool kindFlag = false) {
        std::vector<uint32_t> trailer;
        for (const Field& f : fields) {
            trailer.push_back(text(f.name));
            trailer.push_back(f.type);
            trailer.push_back(kindFlag ? (f.bitFieldSize << 24) | f.bitOffset : f.bitOffset);
        }
        return add(kind, name, size, trailer, static_cast<uint32_t>(fields.size()), kindFlag);
    }
    uint32_t nextId() const { return count_ + 1; }
    // A record of any kind number (for kinds this reader does not know).
    uint32_t raw(uint32_t kind) { return addInfo(text(""), kind << 24, 0, {}); }

    std::string bytes() const {
        std::string out(24, '\0');
        auto put = [&](size_t at, uint32_t v) { std::memcpy(out.data() + at, &v, 4); };
        const uint16_t magic = 0xeb9f;
        std::memcpy(out.data(), &magic, 2);
        out[2] = 1; // version
        put(4, 24); // hdr_len
        put(8, 0);  // type_off
        put(12, static_cast<uint32_t>(types_.size()));
        put(16, static_cast<uint32_t>(types_.size()));
        put(20, static_cast<uint32_t>(strings_.size()));
        return out + types_ + strings_;
    }

  private:
    uint32_t text(const std::string& s) {
        if (s.empty()) return 0;
        const auto offset = static_cast<uint32_t>(strings_.size());
        strings_ += s;
        strings_ += '\0';
        return offset;
    }
    uint32_t add(BtfKind kind, const std::string& name, uint32_t sizeOrType,
                 const std::vector<uint32_t>& trailer, uint32_t vlen = 0, bool kindFlag = false) {
        const uint32_t info =
            (uint32_t(kindFlag) << 31) | (static_cast<uint32_t>(kind) << 24) | vlen;
        return addInfo(text(name), info, sizeOrType, trailer);
    }
    uint32_t addInfo(uint32_t name, uint32_t info, uint32_t sizeOrType,
                     const std::vector<uint32_t>& trailer) {
        for (uint32_t w : {name, info, sizeOrType})
            types_.append(reinterpret_cast<const char*>(&w), 4);
        for (uint32_t w : trailer)
            types_.append(reinterpret_cast<const char*>(&w), 4);
        return ++count_;
    }

    std::string types_;
    std::string strings_ = std::string(1, '\0'); // offset 0: the empty name
    uint32_t count_ = 0;
};

std::string describe(const Result<Member>& r) {
    return r ? std::to_string(r->offset) + "/" + std::to_string(r->size) : r.error().message;
}
std::string describe(const Result<uint64_t>& r) {
    return r ? std::to_string(*r) : r.error().message;
}

// DWARF's answers where BTF gives none: recognizable values.
testing::FakeLayouts dwarfBehind() {
    testing::FakeLayouts dwarf;
    dwarf.add("dup", "x", 777, 1);
    dwarf.addSize("dup", 999);
    return dwarf;
}

class BtfLayoutsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        using Kind = BtfKind;
        BtfBuilder b;
        const uint32_t u8 = b.integer("unsigned char", 1);
        const uint32_t u32 = b.integer("unsigned int", 4);
        const uint32_t u64 = b.integer("long unsigned int", 8);
        const uint32_t inner =
            b.aggregate(Kind::Struct, "inner", 8, {{"a", u32, 0}, {"b", u32, 32}});
        const uint32_t anonUnion =
            b.aggregate(Kind::Union, "", 8, {{"in", inner, 0}, {"raw", u64, 0}});
        const uint32_t anonStruct =
            b.aggregate(Kind::Struct, "", 4, {{"deep", u32, 0}}); // nested twice below
        const uint32_t anonOuter = b.aggregate(Kind::Union, "", 4, {{"", anonStruct, 0}});
        b.aggregate(Kind::Struct, "outer", 64,
                    {{"first", u64, 0},
                     {"", anonUnion, 64},
                     {"flag", u32, 128, 3},
                     {"arr", b.array(u32, 4), 160},
                     {"flex", b.array(u8, 0), 288},
                     {"ptr", b.pointer(inner), 320},
                     {"c", b.constOf(b.typedefOf("inner_t", inner)), 384},
                     {"", anonOuter, 448}},
                    /*kindFlag=*/true);
        b.aggregate(Kind::Union, "choice", 8, {{"word", u64, 0}});
        // typedef struct { ... } anon_t; typedef struct decl_s decl_t (a declaration there).
        b.typedefOf("anon_t", b.aggregate(Kind::Struct, "", 4, {{"v", u32, 0}}));
        b.typedefOf("decl_t", b.forward("decl_s"));
        b.aggregate(Kind::Struct, "decl_s", 16, {{"w", u64, 64}});
        // An old-style bit-field: an int narrower than its storage, no kind_flag.
        b.aggregate(Kind::Struct, "oldbits", 4, {{"three", b.integer("int:3", 4, 3), 8}});
        // Two file-local structs of one name.
        b.aggregate(Kind::Struct, "dup", 4, {{"x", u32, 0}});
        b.aggregate(Kind::Struct, "dup", 8, {{"x", u64, 0}});
        // A typedef of itself (a cycle only a damaged file has) and one of a type id past the end.
        b.typedefOf("loop_t", b.nextId());
        b.typedefOf("dangling_t", 5000);
        section_ = b.bytes();
    }

    std::string section_;
    testing::FakeLayouts dwarf_ = dwarfBehind();
};

TEST_F(BtfLayoutsTest, MembersThroughNestingAnonymousMembersAndTypedefs) {
    BtfLayouts layouts(section_, dwarf_);
    ASSERT_NE(layouts.types(), nullptr);
    EXPECT_EQ(describe(layouts.sizeOf("outer")), "64");
    EXPECT_EQ(describe(layouts.member("outer", "first")), "0/8");
    EXPECT_EQ(describe(layouts.member("outer", "in")), "8/8"); // in the anonymous union
    EXPECT_EQ(describe(layouts.member("outer", "in.b")), "12/4");
    EXPECT_EQ(describe(layouts.member("outer", "raw")), "8/8");
    EXPECT_EQ(describe(layouts.member("outer", "deep")), "56/4"); // two anonymous levels
    EXPECT_EQ(describe(layouts.member("outer", "ptr")), "40/8");
    EXPECT_EQ(describe(layouts.member("outer", "c")), "48/8"); // const inner_t
    EXPECT_EQ(describe(layouts.member("outer", "c.b")), "52/4");
    EXPECT_EQ(describe(layouts.member("anon_t", "v")), "0/4");
    EXPECT_EQ(describe(layouts.sizeOf("anon_t")), "4");
    EXPECT_EQ(describe(layouts.sizeOf("decl_t")), "16"); // the definition of decl_s
    EXPECT_EQ(describe(layouts.member("decl_t", "w")), "8/8");
}

TEST_F(BtfLayoutsTest, ArraysWholeBitFieldsAndFlexibleArraysWithoutSize) {
    BtfLayouts layouts(section_, dwarf_);
    EXPECT_EQ(describe(layouts.member("outer", "arr")), "20/16");
    EXPECT_EQ(describe(layouts.member("outer", "flex")), "36/0");
    EXPECT_EQ(describe(layouts.member("outer", "flag")), "16/0");
    EXPECT_EQ(describe(layouts.member("oldbits", "three")), "1/0");
}

TEST_F(BtfLayoutsTest, MissingMembersNameTheStructOrUnion) {
    BtfLayouts layouts(section_, dwarf_);
    EXPECT_EQ(describe(layouts.member("outer", "nope")), "struct outer has no member 'nope'");
    EXPECT_EQ(describe(layouts.member("outer", "in.nope")), "struct outer has no member 'in.nope'");
    EXPECT_EQ(describe(layouts.member("outer", "first.x")), "struct outer has no member 'first.x'");
    EXPECT_EQ(describe(layouts.member("outer", "flag.x")), "struct outer has no member 'flag.x'");
    EXPECT_EQ(describe(layouts.member("outer", "")), "struct outer has no member ''");
    EXPECT_EQ(describe(layouts.member("outer", "in.")), "struct outer has no member 'in.'");
    EXPECT_EQ(describe(layouts.member("choice", "x")), "union choice has no member 'x'");
}

TEST_F(BtfLayoutsTest, AmbiguousAndUnknownNamesAreLeftToDwarf) {
    BtfLayouts layouts(section_, dwarf_);
    EXPECT_EQ(describe(layouts.member("dup", "x")), "777/1");
    EXPECT_EQ(describe(layouts.sizeOf("dup")), "999");
    EXPECT_EQ(describe(layouts.sizeOf("absent")), "no struct 'absent'");
    EXPECT_EQ(describe(layouts.member("absent", "x")), "struct absent has no member 'x'");
    EXPECT_EQ(describe(layouts.sizeOf("loop_t")), "no struct 'loop_t'");
    EXPECT_EQ(describe(layouts.sizeOf("dangling_t")), "no struct 'dangling_t'");
}

// A damaged file whose struct is its own anonymous member (twice), and a deep chain of structs
// each with two anonymous members of the next: a lookup ends at once, as a miss.
TEST(BtfLayouts, SelfContainingAnonymousMembersEndTheSearch) {
    BtfBuilder b;
    const uint32_t self = b.nextId();
    b.aggregate(BtfKind::Struct, "self", 8, {{"", self, 0}, {"", self, 0}});
    uint32_t below = b.integer("int", 4);
    for (int level = 0; level < 60; ++level) {
        const uint32_t id = b.nextId();
        b.aggregate(BtfKind::Struct, level == 59 ? "deep" : "", 8,
                    {{"", below, 0}, {"", below, 0}});
        below = id;
    }
    const std::string section = b.bytes();
    testing::FakeLayouts dwarf;
    BtfLayouts layouts(section, dwarf);
    ASSERT_NE(layouts.types(), nullptr);
    EXPECT_EQ(describe(layouts.member("self", "x")), "struct self has no member 'x'");
    EXPECT_EQ(describe(layouts.member("deep", "x")), "struct deep has no member 'x'");
}

// BTF read from a dump's memory is as untrusted as the dump: type loops through arrays,
// typedefs and qualifiers end with an answer, not a hang or a stack overflow.
TEST(BtfLayouts, TypeLoopsThroughArraysTypedefsAndQualifiersEnd) {
    BtfBuilder b;
    const uint32_t arrayId = b.nextId();
    b.array(arrayId, 4); // an array of itself
    const uint32_t constId = b.nextId();
    b.constOf(constId + 1);
    b.typedefOf("ring_t", constId); // const -> typedef -> const ...
    b.aggregate(BtfKind::Struct, "looped", 16,
                {{"arr", arrayId, 0}, {"ring", constId, 64}, {"", b.nextId(), 0}});
    const std::string section = b.bytes();
    testing::FakeLayouts dwarf;
    BtfLayouts layouts(section, dwarf);
    ASSERT_NE(layouts.types(), nullptr);
    ASSERT_TRUE(layouts.member("looped", "arr"));
    EXPECT_EQ(layouts.member("looped", "arr")->size, 0u); // no size for a loop
    ASSERT_TRUE(layouts.member("looped", "ring"));
    EXPECT_EQ(layouts.member("looped", "ring")->offset, 8u);
    EXPECT_EQ(layouts.types()->resolved(constId), 0u);
    EXPECT_EQ(describe(layouts.member("looped", "x")), "struct looped has no member 'x'");
    EXPECT_EQ(describe(layouts.sizeOf("ring_t")), "no struct 'ring_t'");
}

TEST_F(BtfLayoutsTest, ASectionThatIsNoBtfLeavesEverythingToDwarf) {
    std::string badMagic = section_;
    badMagic[0] = 0;
    BtfLayouts layouts(badMagic, dwarf_);
    EXPECT_EQ(layouts.types(), nullptr);
    EXPECT_EQ(describe(layouts.sizeOf("outer")), "no struct 'outer'");

    // The string table must start with the empty name (offset 0 names anonymous members).
    std::string noEmptyName = section_;
    uint32_t stringStart = 0;
    std::memcpy(&stringStart, noEmptyName.data() + 16, 4);
    noEmptyName[24 + stringStart] = 'x';
    EXPECT_FALSE(BtfTypes::parse(noEmptyName).has_value());

    BtfBuilder future;
    future.integer("int", 4);
    future.raw(25); // a kind after ENUM64: its size is unknown, so nothing after it can be read
    EXPECT_FALSE(BtfTypes::parse(future.bytes()).has_value());
}

TEST_F(BtfLayoutsTest, EveryTruncationIsRefusedOrReadWithinBounds) {
    for (size_t length = 0; length < section_.size(); ++length) {
        const std::string cut =
            section_.substr(0, length); // its own allocation: ASan sees overreads
        const auto types = BtfTypes::parse(cut);
        EXPECT_FALSE(types.has_value()) << length;
    }
    // Declared lengths past the section.
    std::string longer = section_;
    const uint32_t huge = 0xfffffff0;
    std::memcpy(longer.data() + 12, &huge, 4);
    EXPECT_FALSE(BtfTypes::parse(longer).has_value());
}

} // namespace
} // namespace panicscope::symbols
