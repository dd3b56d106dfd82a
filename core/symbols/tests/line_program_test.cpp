// LineProgram on hand-built line programs: the rows and file names libdw's dwarf_getsrclines
// gives (its rules are spelled out below), and programs libdw would refuse. The real kernels'
// programs are compared with libdw itself in cli/tests/real_dumps/real_vmlinux_test.cpp.
#include "symbols/line_program.h"

#include <gtest/gtest.h>

#include <dwarf.h>

#include <cstring>

namespace panicscope::symbols {
namespace {

constexpr int kLineBase = -5;
constexpr unsigned kLineRange = 14, kOpcodeBase = 13;

// One unit's program in .debug_line, DWARF 4 or 5, 32-bit offsets, 8-byte addresses.
class ProgramBuilder {
  public:
    explicit ProgramBuilder(unsigned version) : version_(version) {}

    // DWARF 4: directories by name (index 0 is the unit's DW_AT_comp_dir), files (name, dir).
    void v4Tables(const std::vector<std::string>& dirs,
                  const std::vector<std::pair<std::string, unsigned>>& files) {
        for (const auto& d : dirs)
            cstring(tables_, d);
        tables_.push_back(0);
        for (const auto& [name, dir] : files) {
            cstring(tables_, name);
            tables_.push_back(static_cast<char>(dir));
            tables_.push_back(0); // mtime
            tables_.push_back(0); // length
        }
        tables_.push_back(0);
    }
    // DWARF 5: directories as DW_FORM_line_strp, files as DW_FORM_string + DW_FORM_udata +
    // DW_FORM_data16 (an MD5 to skip). `fileForm` replaces the path form of files, `dirContent`
    // the content code of the directories' path.
    void v5Tables(const std::vector<std::string>& dirs,
                  const std::vector<std::pair<std::string, unsigned>>& files,
                  unsigned fileForm = DW_FORM_string, uint64_t dirContent = DW_LNCT_path) {
        tables_.push_back(1);
        for (uint64_t v = dirContent;; v >>= 7) { // ULEB128
            tables_.push_back(static_cast<char>((v & 0x7f) | (v >> 7 ? 0x80 : 0)));
            if (!(v >> 7)) break;
        }
        tables_.push_back(static_cast<char>(DW_FORM_line_strp));
        tables_.push_back(static_cast<char>(dirs.size()));
        for (const auto& d : dirs) {
            const auto offset = static_cast<uint32_t>(lineStr_.size());
            cstring(lineStr_, d);
            tables_.append(reinterpret_cast<const char*>(&offset), 4);
        }
        tables_ += {3,
                    DW_LNCT_path,
                    static_cast<char>(fileForm),
                    DW_LNCT_directory_index,
                    DW_FORM_udata,
                    DW_LNCT_MD5,
                    DW_FORM_data16};
        tables_.push_back(static_cast<char>(files.size()));
        for (const auto& [name, dir] : files) {
            if (fileForm == DW_FORM_string)
                cstring(tables_, name);
            else
                tables_.push_back(0); // strx1 index 0
            tables_.push_back(static_cast<char>(dir));
            tables_.append(16, '\x5a');
        }
    }

    ProgramBuilder& setAddress(uint64_t a) {
        program_ += {0, 9, DW_LNE_set_address};
        program_.append(reinterpret_cast<const char*>(&a), 8);
        return *this;
    }
    ProgramBuilder& advanceLine(int delta) {
        program_.push_back(DW_LNS_advance_line);
        sleb(delta);
        return *this;
    }
    ProgramBuilder& advancePc(unsigned delta) {
        program_.push_back(DW_LNS_advance_pc);
        uleb(delta);
        return *this;
    }
    ProgramBuilder& fixedAdvancePc(uint16_t delta) {
        program_.push_back(DW_LNS_fixed_advance_pc);
        program_.append(reinterpret_cast<const char*>(&delta), 2);
        return *this;
    }
    ProgramBuilder& constAddPc() {
        program_.push_back(DW_LNS_const_add_pc);
        return *this;
    }
    ProgramBuilder& setFile(unsigned file) {
        program_.push_back(DW_LNS_set_file);
        uleb(file);
        return *this;
    }
    ProgramBuilder& copy() {
        program_.push_back(DW_LNS_copy);
        return *this;
    }
    // A row after advancing `line` lines and `address` bytes.
    ProgramBuilder& special(int line, unsigned address) {
        program_.push_back(
            static_cast<char>((line - kLineBase) + kLineRange * address + kOpcodeBase));
        return *this;
    }
    ProgramBuilder& endSequence() {
        program_ += {0, 1, DW_LNE_end_sequence};
        return *this;
    }
    ProgramBuilder& raw(std::initializer_list<uint8_t> bytes) {
        for (uint8_t b : bytes)
            program_.push_back(static_cast<char>(b));
        return *this;
    }

    std::string section() const {
        std::string header;
        header.push_back(1);                            // minimum_instruction_length
        if (version_ >= 4) header.push_back(1);         // maximum_operations_per_instruction
        header.push_back(1);                            // default_is_stmt
        header.push_back(static_cast<char>(kLineBase)); // line_base
        header.push_back(kLineRange);
        header.push_back(kOpcodeBase);
        header += {0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1}; // standard_opcode_lengths 1..12
        header += tables_;
        std::string unit;
        const auto version = static_cast<uint16_t>(version_);
        unit.append(reinterpret_cast<const char*>(&version), 2);
        if (version_ >= 5) unit += {8, 0}; // address_size, segment_selector_size
        const auto headerLength = static_cast<uint32_t>(header.size());
        unit.append(reinterpret_cast<const char*>(&headerLength), 4);
        unit += header + program_;
        const auto length = static_cast<uint32_t>(unit.size());
        return std::string(reinterpret_cast<const char*>(&length), 4) + unit;
    }
    const std::string& lineStr() const { return lineStr_; }

  private:
    static void cstring(std::string& to, const std::string& s) {
        to += s;
        to.push_back(0);
    }
    void uleb(uint64_t v) {
        do {
            uint8_t b = v & 0x7f;
            v >>= 7;
            program_.push_back(static_cast<char>(b | (v ? 0x80 : 0)));
        } while (v);
    }
    void sleb(int64_t v) {
        for (bool more = true; more;) {
            uint8_t b = v & 0x7f;
            v >>= 7;
            more = !((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40)));
            program_.push_back(static_cast<char>(b | (more ? 0x80 : 0)));
        }
    }

    unsigned version_;
    std::string tables_, program_, lineStr_;
};

std::optional<LineProgram> decode(const ProgramBuilder& b, const std::string& section,
                                  const char* compDir = "/build") {
    return LineProgram::decode({section, b.lineStr(), {}}, 0, compDir, 8);
}

std::string at(const LineProgram& p, uint64_t address) {
    const LineProgram::Row* row = p.rowAt(address);
    if (!row) return "none";
    return p.fileName(row->file).value_or("?") + ":" + std::to_string(row->line);
}

TEST(LineProgram, Dwarf4RowsSequencesAndFileNames) {
    ProgramBuilder b(4);
    b.v4Tables({"include", "/abs"}, {{"a.c", 0}, {"b.h", 1}, {"/x/c.h", 2}, {"d.h", 2}});
    // A sequence at 0x1000, then one at a lower address (another section), decoded after it.
    b.setAddress(0x1000).advanceLine(9).copy(); // 0x1000 line 10
    b.special(1, 4);                            // 0x1004 line 11
    b.setFile(2).advancePc(8).copy();           // 0x100c line 11, b.h
    b.fixedAdvancePc(4).endSequence();          // ends at 0x1010
    b.setAddress(0x800).copy().constAddPc().special(2, 1).advancePc(3).endSequence();
    const std::string section = b.section();
    auto p = decode(b, section);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->rowCount(), 7u);
    EXPECT_EQ(at(*p, 0x7ff), "none");
    EXPECT_EQ(at(*p, 0x800), "/build/a.c:1");
    // const_add_pc: (255 - 13) / 14 = 17 bytes; then +1 with the special opcode.
    EXPECT_EQ(at(*p, 0x811), "/build/a.c:1");
    EXPECT_EQ(at(*p, 0x812), "/build/a.c:3");
    EXPECT_EQ(at(*p, 0x814), "/build/a.c:3");
    EXPECT_EQ(at(*p, 0x815), "none"); // the end of the sequence
    EXPECT_EQ(at(*p, 0xfff), "none"); // between the sequences
    EXPECT_EQ(at(*p, 0x1000), "/build/a.c:10");
    EXPECT_EQ(at(*p, 0x1003), "/build/a.c:10");
    EXPECT_EQ(at(*p, 0x1004), "/build/a.c:11");
    EXPECT_EQ(at(*p, 0x100f), "include/b.h:11"); // a relative directory stays relative
    EXPECT_EQ(at(*p, 0x1010), "none");
    EXPECT_EQ(at(*p, ~uint64_t(0)), "none");

    // File 0 does not exist before DWARF 5 ("???"); absolute names ignore their directory.
    EXPECT_EQ(p->fileCount(), 5u);
    EXPECT_EQ(p->fileName(0), "???");
    EXPECT_EQ(p->fileName(3), "/x/c.h");
    EXPECT_EQ(p->fileName(4), "/abs/d.h");
    EXPECT_EQ(p->fileName(5), std::nullopt);
    // Without DW_AT_comp_dir, directory 0 adds nothing.
    auto noCompDir = decode(b, section, nullptr);
    ASSERT_TRUE(noCompDir.has_value());
    EXPECT_EQ(noCompDir->fileName(1), "a.c");
}

TEST(LineProgram, Dwarf5TablesFromLineStrAndInPlaceStrings) {
    ProgramBuilder b(5);
    b.v5Tables({"/build", "include"}, {{"a.c", 0}, {"b.h", 1}});
    b.setAddress(0x2000).copy().setFile(1).special(4, 2).advancePc(6).endSequence();
    const std::string section = b.section();
    auto p = decode(b, section);
    ASSERT_TRUE(p.has_value());
    // DWARF 5 has a file 0 (the unit's own file); the default file is still 1.
    EXPECT_EQ(p->fileCount(), 2u);
    EXPECT_EQ(p->fileName(0), "/build/a.c");
    EXPECT_EQ(at(*p, 0x2000), "include/b.h:1");
    EXPECT_EQ(at(*p, 0x2002), "include/b.h:5");
    EXPECT_EQ(at(*p, 0x2007), "include/b.h:5");
    EXPECT_EQ(at(*p, 0x2008), "none");
}

// Rows at one address sort as libdw sorts them: an end_sequence first, then in decode order; the
// last one in force wins, and the highest row always ends a sequence.
TEST(LineProgram, RowsAtOneAddressAsLibdwOrdersThem) {
    for (bool laterFirst : {false, true}) {
        ProgramBuilder b(4);
        b.v4Tables({}, {{"a.c", 0}});
        auto first = [&] { // line 5 at 0x2000, a zero-length line 6 at 0x2010 where it ends
            b.setAddress(0x2000).advanceLine(4).copy().special(1, 0x10).endSequence();
        };
        auto second = [&] { // line 20 from 0x2010 to 0x2020
            b.setAddress(0x2010).advanceLine(19).copy().advancePc(0x10).endSequence();
        };
        if (laterFirst) {
            second();
            first();
        } else {
            first();
            second();
        }
        const std::string section = b.section();
        auto p = decode(b, section);
        ASSERT_TRUE(p.has_value());
        EXPECT_EQ(at(*p, 0x2008), "/build/a.c:5");
        EXPECT_EQ(at(*p, 0x2010), laterFirst ? "/build/a.c:6" : "/build/a.c:20") << laterFirst;
        EXPECT_EQ(at(*p, 0x201f), laterFirst ? "/build/a.c:6" : "/build/a.c:20") << laterFirst;
        EXPECT_EQ(at(*p, 0x2020), "none");
    }
    // A row at the very end of the unit's code is the highest row: libdw makes it the end.
    ProgramBuilder b(4);
    b.v4Tables({}, {{"a.c", 0}});
    b.setAddress(0x3000).copy().special(1, 8).endSequence(); // line 2 at 0x3008, the end there
    const std::string section = b.section();
    auto p = decode(b, section);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(at(*p, 0x3007), "/build/a.c:1");
    EXPECT_EQ(at(*p, 0x3008), "none");
}

// A sequence whose addresses go back (DWARF forbids it; libdw sorts the rows anyway) is sorted
// on its own before the sequences are merged.
TEST(LineProgram, ASequenceOutOfAddressOrderIsSortedAsLibdwSortsIt) {
    ProgramBuilder b(4);
    b.v4Tables({}, {{"a.c", 0}});
    b.setAddress(0x5000).advanceLine(49).copy();  // line 50 at 0x5000
    b.setAddress(0x4000).advanceLine(-10).copy(); // line 40 at 0x4000
    b.advancePc(0x10).endSequence();              // the end at 0x4010
    b.setAddress(0x6000).copy().advancePc(4).endSequence();
    const std::string section = b.section();
    auto p = decode(b, section);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(at(*p, 0x4008), "/build/a.c:40");
    EXPECT_EQ(at(*p, 0x4010), "none"); // the end row
    EXPECT_EQ(at(*p, 0x5000), "/build/a.c:50");
    EXPECT_EQ(at(*p, 0x5fff), "/build/a.c:50");
    EXPECT_EQ(at(*p, 0x6002), "/build/a.c:1"); // the registers start anew after an end
}

// Odd encodings libdw reads its own way: a line advance of more than 64 bits' worth (truncated
// to an int, as libdw's is: no change here), and a content code past 16 bits (libdw keeps 16:
// 0x10001 reads as DW_LNCT_path).
TEST(LineProgram, OddEncodingsReadAsLibdwReadsThem) {
    ProgramBuilder b(5);
    b.v5Tables({"/build"}, {{"a.c", 0}}, DW_FORM_string, 0x10000 | DW_LNCT_path);
    b.setAddress(0x1000)
        .setFile(0) // the only file (DWARF 5 counts from 0, the default is 1)
        .raw({DW_LNS_advance_line, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40})
        .copy()
        .advancePc(4)
        .endSequence();
    const std::string section = b.section();
    auto p = decode(b, section);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(at(*p, 0x1000), "/build/a.c:1");
}

TEST(LineProgram, RefusesWhatLibdwRefusesOrThisReaderLeavesToIt) {
    auto program = [](auto&& build, unsigned version = 4) {
        ProgramBuilder b(version);
        if (version >= 5)
            b.v5Tables({"/build"}, {{"a.c", 0}});
        else
            b.v4Tables({}, {{"a.c", 0}});
        build(b);
        return decode(b, b.section()).has_value();
    };
    EXPECT_TRUE(program([](ProgramBuilder& b) { b.setAddress(0x1000).copy().endSequence(); }));
    // A line past what an int holds (libdw's Dwarf_Line.line).
    EXPECT_FALSE(program([](ProgramBuilder& b) {
        b.setAddress(0x1000).advanceLine(0x7fffffff).copy().endSequence();
    }));
    // DW_LNE_define_file (DWARF 2-4, never written by GCC): left to libdw.
    EXPECT_FALSE(program([](ProgramBuilder& b) { b.raw({0, 5, DW_LNE_define_file, 'x', 0, 0}); }));
    // An extended opcode running past the program.
    EXPECT_FALSE(program([](ProgramBuilder& b) { b.raw({0, 9, DW_LNE_set_address, 1, 2}); }));
    // An unknown extended opcode is skipped by its length.
    EXPECT_TRUE(program([](ProgramBuilder& b) {
        b.raw({0, 3, 0x40, 7, 7}).setAddress(0x1000).copy().endSequence();
    }));
    // DW_FORM_strx1 file names need the unit's string offsets: left to libdw.
    ProgramBuilder strx(5);
    strx.v5Tables({"/build"}, {{"a.c", 0}}, DW_FORM_strx1);
    EXPECT_FALSE(decode(strx, strx.section()).has_value());
    // A file in a directory the table does not have.
    ProgramBuilder badDir(4);
    badDir.v4Tables({}, {{"a.c", 3}});
    EXPECT_FALSE(decode(badDir, badDir.section()).has_value());
    // Version 6, and an offset past the section.
    ProgramBuilder b(4);
    b.v4Tables({}, {{"a.c", 0}});
    b.setAddress(0x1000).copy().endSequence();
    std::string section = b.section();
    EXPECT_FALSE(LineProgram::decode({section, {}, {}}, section.size(), "/b", 8).has_value());
    EXPECT_FALSE(LineProgram::decode({section, {}, {}}, 0, "/b", 0).has_value());
    section[4] = 6;
    EXPECT_FALSE(decode(b, section).has_value());
}

TEST(LineProgram, EveryTruncationIsRefused) {
    ProgramBuilder b(5);
    b.v5Tables({"/build", "include"}, {{"a.c", 0}, {"b.h", 1}});
    b.setAddress(0x2000).copy().special(4, 2).advancePc(6).endSequence();
    const std::string section = b.section();
    ASSERT_TRUE(decode(b, section).has_value());
    for (size_t length = 0; length < section.size(); ++length) {
        const std::string cut =
            section.substr(0, length); // its own allocation: ASan sees overreads
        EXPECT_FALSE(decode(b, cut).has_value()) << length;
    }
    // The .debug_line_str a directory points into, cut short.
    const std::string lineStr = b.lineStr().substr(0, 3);
    EXPECT_FALSE(LineProgram::decode({section, lineStr, {}}, 0, "/b", 8).has_value());
}

} // namespace
} // namespace panicscope::symbols
