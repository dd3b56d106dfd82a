// The kernel's own symbol table, kallsyms, as it lies in the dump's memory: what names frames
// when there is no vmlinux. Since Linux 6.0 VMCOREINFO gives the addresses of its parts
// (SYMBOL(kallsyms_names), kallsyms_token_table, kallsyms_token_index, kallsyms_offsets,
// kallsyms_relative_base, kallsyms_num_syms). The names are compressed: each is a length and
// that many indices into a table of 256 tokens, the first character of the expansion being the
// type letter (nm's: t T d D r R b B ...). The format is scripts/kallsyms.c's.
#pragma once

#include "dump/memory.h"
#include "dump/vmcoreinfo.h"
#include "symbols/symbol_table.h"
#include "util/result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace panicscope::symbols {

struct KallsymsSymbol {
    std::string name;
    char type = '?';       // nm's letter: 't'/'T' code, 'd'/'D' data, 'r'/'R' read-only, ...
    uint64_t address = 0;  // runtime (relocated) address, or the value of an absolute symbol
    bool absolute = false; // a per-CPU offset (CONFIG_KALLSYMS_ABSOLUTE_PERCPU): not relocated
};

// The raw tables, as read from memory. Each view covers at least the table (more is fine: the
// end of a table is not recorded, so a reader passes the bytes up to the next known table).
struct KallsymsTables {
    uint32_t count = 0;          // kallsyms_num_syms
    std::string_view names;      // kallsyms_names
    std::string_view tokenTable; // kallsyms_token_table: 256 NUL-terminated strings
    std::string_view tokenIndex; // kallsyms_token_index: 256 u16 offsets into tokenTable
    // kallsyms_offsets (s32 each) with kallsyms_relative_base, or on old kernels without
    // CONFIG_KALLSYMS_BASE_RELATIVE kallsyms_addresses (u64 each).
    std::string_view offsets;
    uint64_t relativeBase = 0;
    bool absoluteAddresses = false; // `offsets` holds kallsyms_addresses
};

// Errc::Corrupt with what is wrong (a count the tables cannot hold, a name running past the
// table, a token index outside the token table) rather than a partial table.
Result<std::vector<KallsymsSymbol>> decodeKallsyms(const KallsymsTables& tables);

// Reads the tables through VMCOREINFO and decodes them, then checks the result against the
// symbol addresses VMCOREINFO gives. Errc::Unsupported when VMCOREINFO lacks the kallsyms lines
// (kernels before 6.0), with how to do without.
Result<std::vector<KallsymsSymbol>> readKallsyms(const dump::Memory& memory,
                                                 const dump::Vmcoreinfo& vmcoreinfo);

// The symbols at link-time addresses (runtime minus `slide`, the KASLR offset; absolute per-CPU
// ones as they are), as the vmlinux's ELF table would have them: code ('t'/'T', and weak 'w'/'W'
// inside the kernel or init text) is a function; kallsyms has no sizes, so a symbol reaches the
// next one, but never past the end of the text (_etext, _einittext) or of the per-CPU area
// (__per_cpu_end).
SymbolTable kallsymsSymbolTable(const std::vector<KallsymsSymbol>& symbols, uint64_t slide);

} // namespace panicscope::symbols
