#include "dump/read_errors.h"

#include <regex>

namespace panicscope::dump {

std::string explainLibraryError(std::string_view text) {
    // Each rule: libkdumpfile's/libaddrxlat's phrase (0.5.1) and ours.
    static const std::pair<std::regex, const char*> rules[] = {
        // A step of the translation that says nothing to the user.
        {std::regex("Cannot get page I/O address: "), ""},
        {std::regex("Cannot read [0-9]+-bit PTE at KVADDR:(0x[0-9a-f]+): "),
         "cannot read the page table entry at $1: "},
        // "PDPT table not present: p4d[511] = 0x0": the level above has an empty entry.
        {std::regex("[A-Za-z ]+ not present: ([a-z0-9]+\\[[0-9]+\\]) = (0x[0-9a-f]+)"),
         "the kernel's page tables map nothing there ($1 is $2): check the address; if the "
         "kernel must have it mapped, the dump's page tables are damaged"},
        // (sic: "Decompresion" in 0.5.1)
        {std::regex("Decompres?sion failed: (.*)"),
         "the page's compressed data is damaged ($1): that page of the dump file is corrupt or "
         "cut off; the rest still reads"},
        {std::regex("Decompres?sion failed$"),
         "the page's compressed data is damaged: that page of the dump file is corrupt or cut "
         "off; the rest still reads"},
    };
    std::string out(text);
    for (const auto& [pattern, replacement] : rules)
        out = std::regex_replace(out, pattern, replacement);
    return out;
}

} // namespace panicscope::dump
