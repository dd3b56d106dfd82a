// One compilation unit's line number program (.debug_line), decoded into the rows and file names
// libdw's dwarf_getsrclines gives, and looked up by libdw's dwarf_getsrc_die rule. libdw 0.188
// allocates each row and sorts them with qsort: on the kernel's big units (kernel/sched/core.c:
// 32,000 rows) that was most of the time `bt --json` spent on file:line. Here a row is 16 bytes
// in one vector, sorted only when the program's sequences are out of address order.
#pragma once

#include <libelf.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace panicscope::symbols {

// The sections a line program refers to, as the DWARF reader sees them (relocated for a .ko).
struct LineSections {
    std::string_view line;    // .debug_line
    std::string_view lineStr; // .debug_line_str (DW_FORM_line_strp names, DWARF 5)
    std::string_view str;     // .debug_str (DW_FORM_strp names)
};

// The line sections of an ELF file as libdw sees them once it opened the file: decompressed by
// dwarf_begin_elf, relocated by libdwfl for a .ko. A section still compressed is left empty (its
// units then go to libdw).
LineSections lineSectionsOf(Elf* elf);

class LineProgram {
  public:
    struct Row {
        uint64_t address = 0;
        int32_t line = 0;
        uint32_t file : 31 = 0;
        uint32_t endSequence : 1 = 0;
    };

    // The program at `offset` in .debug_line, for a unit whose DW_AT_comp_dir is `compDir`
    // (nullptr when it has none) and whose addresses have `addressSize` bytes; the program views
    // the sections' bytes, which must outlive it. nullopt when libdw
    // would refuse it too (bad header, truncated, a form or value it rejects) or uses a form this
    // reader does not read (DW_FORM_strx: the caller then asks libdw).
    static std::optional<LineProgram> decode(const LineSections& sections, uint64_t offset,
                                             const char* compDir, unsigned addressSize);

    // The row in force at an address (dwarf_getsrc_die): the last one at or below it, none when
    // that one ends a sequence (the address is past the unit's code or in a gap).
    const Row* rowAt(uint64_t address) const;
    // A file's name as dwarf_filesrc gives it: absolute, or its directory + "/" + its name;
    // nullopt for an index past the table.
    std::optional<std::string> fileName(uint64_t index) const;
    size_t rowCount() const { return rows_.size(); }
    size_t fileCount() const { return files_.size(); }

  private:
    struct FileTables; // decode's directory and file tables (line_program.cpp)
    struct File {
        const char* directory; // in the sections; nullptr: none
        const char* name;
        bool inCompDir; // before DWARF 5, directory 0: the unit's DW_AT_comp_dir
    };
    std::vector<Row> rows_;   // sorted as libdw sorts them
    std::vector<File> files_; // by index; [0] is libdw's "???" before DWARF 5
    std::string compDir_;     // a copy: the caller's string need not outlive the program
    bool hasCompDir_ = false;
};

} // namespace panicscope::symbols
