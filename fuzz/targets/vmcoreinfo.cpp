// VMCOREINFO text (the KEY=VALUE note of a dump): the parser, every accessor on the keys the
// input names, and the KASLR offset derived from it against a small symbol table.
#include "dump/vmcoreinfo.h"
#include "kernel/kaslr.h"
#include "symbols/symbol_table.h"

#include <cstdint>
#include <string_view>

using namespace panicscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto info = dump::Vmcoreinfo::parse(text);
    (void)info.osrelease(), (void)info.buildId(), (void)info.kernelOffset();
    // Ask for every key the text holds, through each accessor (SYMBOL(x) -> symbol("x"), ...).
    for (size_t at = 0; at < text.size();) {
        const size_t eol = std::min(text.find('\n', at), text.size());
        const std::string_view line = text.substr(at, eol - at);
        at = eol + 1;
        const size_t open = line.find('('), close = line.find(')');
        if (open == std::string_view::npos || close == std::string_view::npos || close < open)
            continue;
        const std::string_view inner = line.substr(open + 1, close - open - 1);
        (void)info.symbol(inner), (void)info.offset(inner), (void)info.size(inner);
        (void)info.number(inner);
    }
    static const symbols::SymbolTable table({{"_stext", 0xffffffff81000000, 0, true},
                                             {"init_task", 0xffffffff82a0c940, 0x2c40, false},
                                             {"swapper_pg_dir", 0xffffffff82a0a000, 0, false}});
    (void)kernel::findKaslrOffset(info, table);
    return 0;
}
