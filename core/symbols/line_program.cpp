#include "symbols/line_program.h"

#include <dwarf.h>
#include <gelf.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>

namespace panicscope::symbols {

namespace {

// Reads a line program's bytes; any read past the end marks it failed (and returns 0), so the
// decoder checks once per step instead of at every field.
class Cursor {
  public:
    Cursor(const uint8_t* begin, const uint8_t* end) : p_(begin), end_(end) {}
    bool ok() const { return ok_; }
    bool atEnd() const { return p_ >= end_; }
    const uint8_t* position() const { return p_; }
    size_t left() const { return ok_ ? static_cast<size_t>(end_ - p_) : 0; }
    void fail() { ok_ = false; }

    uint64_t fixed(size_t bytes) {
        switch (bytes) {
        case 1:
            return u8();
        case 2:
            return fixedSize<2>();
        case 4:
            return fixedSize<4>();
        case 8:
            return fixedSize<8>();
        default:
            return fail(), 0;
        }
    }
    template <size_t N> uint64_t fixedSize() {
        if (!take(N)) return 0;
        uint64_t v = 0;
        std::memcpy(&v, p_ - N, N); // little-endian host and file (x86-64)
        return v;
    }
    uint8_t u8() {
        if (!ok_ || p_ >= end_) return ok_ = false;
        return *p_++;
    }
    uint64_t uleb() {
        uint64_t v = 0;
        for (unsigned shift = 0;; shift += 7) {
            if (!take(1) || shift >= 64) return fail(), 0;
            const uint8_t b = p_[-1];
            v |= uint64_t(b & 0x7f) << shift;
            if (!(b & 0x80)) return v;
        }
    }
    int64_t sleb() {
        int64_t v = 0;
        for (unsigned shift = 0;; shift += 7) {
            if (!take(1) || shift >= 64) return fail(), 0;
            const uint8_t b = p_[-1];
            v |= int64_t(b & 0x7f) << shift;
            if (!(b & 0x80)) {
                if (shift + 7 < 64 && (b & 0x40)) v |= int64_t(~uint64_t(0) << (shift + 7));
                return v;
            }
        }
    }
    // A NUL-terminated string in place.
    const char* string() {
        const void* nul = ok_ ? std::memchr(p_, 0, end_ - p_) : nullptr;
        if (!nul) return fail(), nullptr;
        const char* s = reinterpret_cast<const char*>(p_);
        p_ = static_cast<const uint8_t*>(nul) + 1;
        return s;
    }
    void skip(size_t bytes) { take(bytes); }

  private:
    bool take(size_t bytes) {
        if (!ok_ || static_cast<size_t>(end_ - p_) < bytes) return ok_ = false;
        p_ += bytes;
        return true;
    }
    const uint8_t* p_;
    const uint8_t* end_;
    bool ok_ = true;
};

// A string at an offset into a string section; nullptr when outside it or unterminated.
const char* stringAt(std::string_view section, uint64_t offset) {
    if (offset >= section.size()) return nullptr;
    if (!std::memchr(section.data() + offset, 0, section.size() - offset)) return nullptr;
    return section.data() + offset;
}

struct EntryFormat {
    uint64_t content; // DW_LNCT_*
    uint64_t form;    // DW_FORM_*
};

// One attribute of a DWARF 5 directory or file entry: its string or number, skipped past when
// not `wanted` (a string offset then is not followed). Only the forms libdw accepts there
// (libdw_valid_user_form).
struct EntryValue {
    const char* string = nullptr;
    std::optional<uint64_t> number;
};
std::optional<EntryValue> readEntryValue(Cursor& c, uint64_t form, unsigned offsetSize,
                                         const LineSections& sections, bool wanted) {
    EntryValue v;
    switch (form) {
    case DW_FORM_string:
        v.string = c.string();
        break;
    case DW_FORM_line_strp:
    case DW_FORM_strp: {
        const uint64_t offset = c.fixed(offsetSize);
        if (wanted)
            v.string = stringAt(form == DW_FORM_strp ? sections.str : sections.lineStr, offset);
        break;
    }
    case DW_FORM_sec_offset:
        c.fixed(offsetSize);
        break;
    case DW_FORM_udata:
        v.number = c.uleb();
        break;
    case DW_FORM_sdata:
        c.sleb();
        break;
    case DW_FORM_data1:
        v.number = c.fixed(1);
        break;
    case DW_FORM_flag: // dwarf_formudata does not read it: no directory index
        c.fixed(1);
        break;
    case DW_FORM_data2:
        v.number = c.fixed(2);
        break;
    case DW_FORM_data4:
        v.number = c.fixed(4);
        break;
    case DW_FORM_data8:
        v.number = c.fixed(8);
        break;
    case DW_FORM_data16:
        c.skip(16);
        break;
    case DW_FORM_block:
        c.skip(c.uleb());
        break;
    case DW_FORM_block1:
        c.skip(c.fixed(1));
        break;
    case DW_FORM_block2:
        c.skip(c.fixed(2));
        break;
    case DW_FORM_block4:
        c.skip(c.fixed(4));
        break;
    default: // strx* (needs the unit's string offsets), strp_sup: left to libdw
        return std::nullopt;
    }
    if (!c.ok()) return std::nullopt;
    return v;
}

// The forms libdw accepts in entry formats (libdw_valid_user_form).
bool validEntryForm(uint64_t form) {
    switch (form) {
    case DW_FORM_block:
    case DW_FORM_block1:
    case DW_FORM_block2:
    case DW_FORM_block4:
    case DW_FORM_data1:
    case DW_FORM_data2:
    case DW_FORM_data4:
    case DW_FORM_data8:
    case DW_FORM_data16:
    case DW_FORM_flag:
    case DW_FORM_line_strp:
    case DW_FORM_sdata:
    case DW_FORM_sec_offset:
    case DW_FORM_string:
    case DW_FORM_strp:
    case DW_FORM_strp_sup:
    case DW_FORM_strx:
    case DW_FORM_strx1:
    case DW_FORM_strx2:
    case DW_FORM_strx3:
    case DW_FORM_strx4:
    case DW_FORM_udata:
        return true;
    default:
        return false;
    }
}

// A directory or file entry format; it must describe the entry's path (and a file's directory).
std::optional<std::vector<EntryFormat>> readEntryFormats(Cursor& c, bool needsDirectory) {
    std::vector<EntryFormat> formats(c.u8());
    bool path = false, directory = false;
    for (EntryFormat& f : formats) {
        // libdw keeps both in 16 bits: a larger value is read as it reads it.
        f.content = static_cast<uint16_t>(c.uleb());
        f.form = static_cast<uint16_t>(c.uleb());
        if (!validEntryForm(f.form)) return std::nullopt;
        path = path || f.content == DW_LNCT_path;
        directory = directory || f.content == DW_LNCT_directory_index;
    }
    if (!c.ok() || (!formats.empty() && (!path || (needsDirectory && !directory))))
        return std::nullopt;
    return formats;
}

// A DWARF 5 directory or file entry's path and directory index, in the entry's format.
struct EntryNames {
    const char* path = nullptr;
    std::optional<uint64_t> directory;
};
std::optional<EntryNames> readEntry(Cursor& c, const std::vector<EntryFormat>& formats,
                                    unsigned offsetSize, const LineSections& sections) {
    EntryNames entry;
    for (const EntryFormat& f : formats) {
        auto v = readEntryValue(c, f.form, offsetSize, sections, f.content == DW_LNCT_path);
        if (!v) return std::nullopt;
        if (f.content == DW_LNCT_path) entry.path = v->string;
        if (f.content == DW_LNCT_directory_index) entry.directory = v->number;
    }
    return entry;
}

// A line program's header (DWARF 2-5) up to its directory and file tables.
struct LineHeader {
    unsigned offsetSize = 4;
    uint64_t unitLength = 0;
    const uint8_t* unitEnd = nullptr;
    const uint8_t* programStart = nullptr; // after the file tables
    uint64_t version = 0;
    unsigned minimumInstructionLength = 0;
    unsigned maxOpsPerInstruction = 1;
    unsigned defaultIsStmt = 0;
    int lineBase = 0;
    unsigned lineRange = 0;
    unsigned opcodeBase = 0;
    std::vector<uint8_t> opcodeLengths; // [opcode]: its argument count; [0] unused
};

// Reads the header at the cursor and narrows the cursor to the unit, leaving it at the directory
// table; nullopt where libdw refuses the header.
std::optional<LineHeader> readHeader(Cursor& c, unsigned addressSize) {
    LineHeader h;
    h.unitLength = c.fixed(4);
    if (h.unitLength == 0xffffffff) {
        h.offsetSize = 8;
        h.unitLength = c.fixed(8);
    }
    if (!c.ok() || h.unitLength > c.left()) return std::nullopt;
    h.unitEnd = c.position() + h.unitLength;
    c = Cursor(c.position(), h.unitEnd);
    h.version = c.fixed(2);
    if (h.version < 2 || h.version > 5) return std::nullopt;
    if (h.version >= 5 && (c.u8() != addressSize || c.u8() != 0)) return std::nullopt;
    const uint64_t headerLength = c.fixed(h.offsetSize);
    if (!c.ok() || headerLength > c.left()) return std::nullopt;
    h.programStart = c.position() + headerLength;
    h.minimumInstructionLength = c.u8();
    h.maxOpsPerInstruction = h.version >= 4 ? c.u8() : 1;
    h.defaultIsStmt = c.u8();
    h.lineBase = static_cast<int8_t>(c.u8());
    h.lineRange = c.u8();
    h.opcodeBase = c.u8();
    if (!c.ok() || h.maxOpsPerInstruction == 0 || h.defaultIsStmt > 1 || h.opcodeBase == 0)
        return std::nullopt;
    h.opcodeLengths.assign(std::max(h.opcodeBase, 13u), 0);
    for (unsigned i = 1; i < h.opcodeBase; ++i)
        h.opcodeLengths[i] = c.u8();
    return h;
}

// The program: libdw's state machine, with its checks on what fits a Dwarf_Line. Appends rows
// and notes where each sequence starts.
class LineStateMachine {
  public:
    LineStateMachine(const LineHeader& header, unsigned addressSize,
                     std::vector<LineProgram::Row>& rows)
        : h_(header), addressSize_(addressSize), rows_(rows) {
        reset();
        for (unsigned op = h_.opcodeBase; op < 256 && h_.lineRange != 0; ++op)
            specials_[op] = {h_.lineBase + static_cast<int>((op - h_.opcodeBase) % h_.lineRange),
                             (op - h_.opcodeBase) / h_.lineRange};
    }

    // Runs the opcodes to the cursor's end; false where libdw refuses them.
    bool run(Cursor& c) {
        while (!c.atEnd()) {
            const unsigned opcode = c.u8();
            bool ok = true;
            if (opcode >= h_.opcodeBase) // special: a row after a line and address advance
                ok = special(opcode);
            else if (opcode == 0)
                ok = extended(c);
            else if (opcode <= DW_LNS_set_isa)
                ok = standard(opcode, c);
            else // a standard opcode newer than this reader: skip its arguments
                for (unsigned n = h_.opcodeLengths[opcode]; n > 0; --n)
                    c.uleb();
            if (!ok || !c.ok()) return false;
        }
        return true;
    }

    // Where each sequence's rows begin (the last entry: past the last end_sequence).
    std::vector<size_t>& sequenceStarts() { return sequenceStarts_; }

  private:
    struct State {
        uint64_t address = 0;
        uint64_t opIndex = 0;
        uint32_t file = 1;
        int64_t line = 1;
        uint32_t column = 0;
        unsigned isStmt = 0;
        uint32_t isa = 0;
        uint64_t discriminator = 0;
    };
    // Each special opcode's line and operation advance, without a division per row.
    struct Special {
        int line;
        unsigned operations;
    };

    void reset() {
        s_ = State{};
        s_.isStmt = h_.defaultIsStmt;
    }
    void advance(uint64_t operationAdvance) {
        if (h_.maxOpsPerInstruction == 1) { // every x86 program: no VLIW op_index
            s_.address += h_.minimumInstructionLength * operationAdvance;
            return;
        }
        s_.address += h_.minimumInstructionLength *
                      ((s_.opIndex + operationAdvance) / h_.maxOpsPerInstruction);
        s_.opIndex = (s_.opIndex + operationAdvance) % h_.maxOpsPerInstruction;
    }
    bool emit(bool endSequence) {
        if (s_.line < std::numeric_limits<int32_t>::min() ||
            s_.line > std::numeric_limits<int32_t>::max() || s_.column > 0xffff || s_.isa > 0xff ||
            s_.opIndex > 0xff || s_.discriminator > 0xffffff || s_.file > 0x7fffffff)
            return false;
        LineProgram::Row row;
        row.address = s_.address;
        row.line = static_cast<int32_t>(s_.line);
        row.file = s_.file;
        row.endSequence = endSequence;
        rows_.push_back(row);
        return true;
    }
    bool expectArguments(unsigned opcode, unsigned count) const {
        return h_.opcodeLengths[opcode] == count;
    }

    bool special(unsigned opcode) {
        if (h_.lineRange == 0) return false;
        s_.line += specials_[opcode].line;
        advance(specials_[opcode].operations);
        if (!emit(false)) return false;
        s_.discriminator = 0;
        return true;
    }

    // libdw reads an extended opcode's length as one byte.
    bool extended(Cursor& c) {
        const unsigned length = c.u8();
        if (length == 0 || c.left() < length) return false;
        const unsigned sub = c.u8();
        switch (sub) {
        case DW_LNE_end_sequence:
            if (!emit(true)) return false;
            sequenceStarts_.push_back(rows_.size());
            reset();
            break;
        case DW_LNE_set_address:
            s_.opIndex = 0;
            s_.address = c.fixed(addressSize_);
            break;
        case DW_LNE_set_discriminator:
            if (h_.opcodeBase <= DW_LNE_set_discriminator || !expectArguments(sub, 1)) return false;
            s_.discriminator = static_cast<uint32_t>(c.uleb());
            break;
        case DW_LNE_define_file: // DWARF 2-4; GCC never writes it: left to libdw
        case DW_LNE_lo_user:     // NVIDIA's inlined_call, set_function_name
        case DW_LNE_lo_user + 1:
            return false;
        default:
            c.skip(length - 1);
        }
        return true;
    }

    bool standard(unsigned opcode, Cursor& c) {
        switch (opcode) {
        case DW_LNS_copy:
            if (!expectArguments(opcode, 0) || !emit(false)) return false;
            s_.discriminator = 0;
            break;
        case DW_LNS_advance_pc:
            if (!expectArguments(opcode, 1)) return false;
            advance(static_cast<uint32_t>(c.uleb()));
            break;
        case DW_LNS_advance_line:
            if (!expectArguments(opcode, 1)) return false;
            s_.line += static_cast<int32_t>(c.sleb());
            break;
        case DW_LNS_set_file:
            if (!expectArguments(opcode, 1)) return false;
            s_.file = static_cast<uint32_t>(c.uleb());
            break;
        case DW_LNS_set_column:
            if (!expectArguments(opcode, 1)) return false;
            s_.column = static_cast<uint32_t>(c.uleb());
            break;
        case DW_LNS_negate_stmt:
            if (!expectArguments(opcode, 0)) return false;
            s_.isStmt = 1 - s_.isStmt;
            break;
        case DW_LNS_set_basic_block:
        case DW_LNS_set_prologue_end:
        case DW_LNS_set_epilogue_begin:
            if (!expectArguments(opcode, 0)) return false;
            break;
        case DW_LNS_const_add_pc:
            if (!expectArguments(opcode, 0) || h_.lineRange == 0) return false;
            advance((255 - h_.opcodeBase) / h_.lineRange);
            break;
        case DW_LNS_fixed_advance_pc:
            if (!expectArguments(opcode, 1)) return false;
            s_.address += c.fixed(2);
            s_.opIndex = 0;
            break;
        case DW_LNS_set_isa:
            if (!expectArguments(opcode, 1)) return false;
            s_.isa = static_cast<uint32_t>(c.uleb());
            break;
        }
        return true;
    }

    const LineHeader& h_;
    const unsigned addressSize_;
    std::vector<LineProgram::Row>& rows_;
    std::array<Special, 256> specials_{};
    State s_;
    std::vector<size_t> sequenceStarts_ = {0};
};

// Sorted as libdw sorts: by address, an end_sequence row before others at its address, else in
// decode order (the sort is stable).
struct RowOrder {
    bool operator()(const LineProgram::Row& a, const LineProgram::Row& b) const {
        if (a.address != b.address) return a.address < b.address;
        return a.endSequence > b.endSequence;
    }
};

// Puts rows in libdw's order. Stable-sorting each of a unit's sequences (.text, .init.text, ...)
// and merging them pairwise in decode order is the stable sort of all rows, in a few passes. A
// sequence is in order already but for its end row when rows before it share its address (the
// end comes first at an address): one rotation puts it there.
void sortRows(std::vector<LineProgram::Row>& rows, std::vector<size_t> runStarts) {
    const RowOrder before;
    runStarts.push_back(rows.size());
    for (size_t i = 0; i + 1 < runStarts.size(); ++i) {
        const auto first = rows.begin() + runStarts[i], last = rows.begin() + runStarts[i + 1];
        if (std::is_sorted(first, last, before)) continue;
        if (last - first >= 2 && (last - 1)->endSequence) {
            auto sameAddress = last - 1;
            while (sameAddress != first && (sameAddress - 1)->address == (last - 1)->address &&
                   !(sameAddress - 1)->endSequence)
                --sameAddress;
            std::rotate(sameAddress, last - 1, last);
            if (std::is_sorted(first, last, before)) continue;
        }
        std::stable_sort(first, last, before);
    }
    while (runStarts.size() > 2) {
        std::vector<size_t> merged;
        for (size_t i = 0; i + 1 < runStarts.size(); i += 2) {
            merged.push_back(runStarts[i]);
            if (i + 2 < runStarts.size())
                std::inplace_merge(rows.begin() + runStarts[i], rows.begin() + runStarts[i + 1],
                                   rows.begin() + runStarts[i + 2], before);
        }
        merged.push_back(rows.size());
        runStarts = std::move(merged);
    }
}

} // namespace

// By name, the data libelf now holds for each (what libdw decompressed or libdwfl relocated).
LineSections lineSectionsOf(Elf* elf) {
    LineSections sections;
    size_t names = 0;
    if (!elf || elf_getshdrstrndx(elf, &names) != 0) return sections;
    for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr shdr;
        if (!gelf_getshdr(scn, &shdr) || (shdr.sh_flags & SHF_COMPRESSED)) continue;
        const char* name = elf_strptr(elf, names, shdr.sh_name);
        std::string_view* slot = !name                                       ? nullptr
                                 : std::strcmp(name, ".debug_line") == 0     ? &sections.line
                                 : std::strcmp(name, ".debug_line_str") == 0 ? &sections.lineStr
                                 : std::strcmp(name, ".debug_str") == 0      ? &sections.str
                                                                             : nullptr;
        if (!slot) continue;
        if (Elf_Data* data = elf_getdata(scn, nullptr); data && data->d_buf)
            *slot = std::string_view(static_cast<const char*>(data->d_buf), data->d_size);
    }
    return sections;
}

// decode's directory and file tables: a member so it can fill files_.
struct LineProgram::FileTables {
    // DWARF 2-4: a NUL-terminated list of directories, then one of files.
    static bool readV2(Cursor& c, LineProgram& program) {
        std::vector<const char*> directories = {nullptr}; // 0: the unit's own (compDir_)
        while (c.ok() && !c.atEnd() && *c.position() != 0)
            directories.push_back(c.string());
        c.u8(); // the list's terminating NUL
        program.files_.push_back({nullptr, "???", false});
        while (c.ok() && !c.atEnd() && *c.position() != 0) {
            const char* name = c.string();
            const uint64_t directory = c.uleb();
            c.uleb(); // modification time
            c.uleb(); // length
            if (!c.ok() || directory >= directories.size()) return false;
            program.files_.push_back({directories[directory], name, directory == 0});
        }
        c.u8();
        return true;
    }

    // DWARF 5: the directories' entry format and entries, then the files'.
    static bool readV5(Cursor& c, unsigned offsetSize, const LineSections& sections,
                       LineProgram& program) {
        auto formats = readEntryFormats(c, /*needsDirectory=*/false);
        if (!formats) return false;
        const uint64_t count = c.uleb();
        if (!c.ok() || (formats->empty() && count != 0)) return false;
        std::vector<const char*> directories;
        for (uint64_t n = 0; n < count && c.ok(); ++n) {
            auto entry = readEntry(c, *formats, offsetSize, sections);
            if (!entry || !entry->path) return false;
            directories.push_back(entry->path);
        }
        formats = readEntryFormats(c, /*needsDirectory=*/true);
        if (!formats) return false;
        const uint64_t files = c.uleb();
        if (!c.ok() || (formats->empty() && files != 0)) return false;
        if (files == 0) program.files_.push_back({nullptr, "???", false});
        for (uint64_t n = 0; n < files && c.ok(); ++n) {
            auto entry = readEntry(c, *formats, offsetSize, sections);
            if (!entry || !entry->path || !entry->directory ||
                *entry->directory >= directories.size())
                return false;
            program.files_.push_back({directories[*entry->directory], entry->path, false});
        }
        return true;
    }
};

std::optional<LineProgram> LineProgram::decode(const LineSections& sections, uint64_t offset,
                                               const char* compDir, unsigned addressSize) {
    if (offset >= sections.line.size() || addressSize == 0 || addressSize > 8) return std::nullopt;
    const auto* section = reinterpret_cast<const uint8_t*>(sections.line.data());
    Cursor c(section + offset, section + sections.line.size());
    auto header = readHeader(c, addressSize);
    if (!header) return std::nullopt;

    LineProgram program;
    if (compDir) program.compDir_ = compDir;
    program.hasCompDir_ = compDir != nullptr;
    const bool files = header->version < 5
                           ? FileTables::readV2(c, program)
                           : FileTables::readV5(c, header->offsetSize, sections, program);
    if (!files || !c.ok() || c.position() != header->programStart) return std::nullopt;

    c = Cursor(header->programStart, header->unitEnd);
    // Most rows take 2-4 bytes; a damaged length must not reserve more than real units need.
    program.rows_.reserve(std::min<uint64_t>(header->unitLength / 4, uint64_t(1) << 20));
    LineStateMachine machine(*header, addressSize, program.rows_);
    if (!machine.run(c)) return std::nullopt;

    std::vector<size_t>& sequenceStarts = machine.sequenceStarts();
    if (sequenceStarts.back() == program.rows_.size()) sequenceStarts.pop_back();
    sortRows(program.rows_, std::move(sequenceStarts));
    // libdw marks the highest row the end of a sequence, whatever the program said.
    if (!program.rows_.empty()) program.rows_.back().endSequence = 1;
    return program;
}

const LineProgram::Row* LineProgram::rowAt(uint64_t address) const {
    if (rows_.empty()) return nullptr;
    // The last row at or below the address (rows at one address: the last of them).
    auto after = std::upper_bound(rows_.begin(), rows_.end(), address,
                                  [](uint64_t a, const Row& r) { return a < r.address; });
    if (after == rows_.begin()) return nullptr;
    const Row& row = *(after - 1);
    return row.endSequence ? nullptr : &row;
}

std::optional<std::string> LineProgram::fileName(uint64_t index) const {
    if (index >= files_.size()) return std::nullopt;
    const File& file = files_[index];
    const char* name = file.name;
    const char* directory =
        file.inCompDir ? (hasCompDir_ ? compDir_.c_str() : nullptr) : file.directory;
    // libdw's name: absolute as written, else the directory, "/", the name (no directory: the
    // name alone).
    if (name[0] == '/' || !directory) return std::string(name);
    return std::string(directory) + "/" + name;
}

} // namespace panicscope::symbols
