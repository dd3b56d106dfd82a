#include "address_arg.h"
#include "json_document.h"
#include "report/json_text.h"
#include "report/memory_report.h"
#include "util/hex.h"
#include "verbs.h"

namespace panicscope::cli {

namespace {

// -8, -16, -32 or -64 (the default); Errc::Usage for two of them, or a size with -s.
Result<unsigned> wordSize(const Options& options) {
    unsigned size = 0;
    for (const auto& [flag, bytes] : {std::pair{"-8", 1u}, {"-16", 2u}, {"-32", 4u}, {"-64", 8u}})
        if (options.has(flag)) {
            if (size) return fail(Errc::Usage, "rd: give one of -8, -16, -32, -64");
            size = bytes;
        }
    if (options.has("-s") && size && size != 8)
        return fail(Errc::Usage, "rd: -s names 64-bit words only");
    return size ? size : 8;
}

int runRd(const model::Session& session, const Options& options, std::ostream& out,
          std::ostream& err) {
    auto size = wordSize(options);
    if (!size) return reportError(err, size.error());
    const bool physical = options.has("-p");
    auto address = physical ? Result<uint64_t>(parseHex(options.args[0]).value_or(0))
                            : resolveAddress(session, options.args[0]);
    if (physical && !parseHex(options.args[0]))
        return reportError(
            err, {Errc::Usage, "rd -p: '" + options.args[0] + "' is not a hex physical address"});
    if (!address) return reportError(err, address.error());
    uint64_t count = 1;
    if (options.args.size() > 1) {
        auto n = parseDecimal(options.args[1]);
        if (!n || *n == 0 || *n > (64u << 20) / *size)
            return reportError(err, {Errc::Usage, "rd: COUNT '" + options.args[1] +
                                                      "' is not a number of words from 1 to " +
                                                      std::to_string((64u << 20) / *size)});
        count = *n;
    }
    auto block = physical ? session.readPhysicalMemory(*address, count * *size)
                          : session.readMemory(*address, count * *size);
    if (!block) return reportError(err, block.error());
    const report::NameOf nameOf = options.has("-s") ? kernelSymbolNamer(session) : nullptr;
    if (options.json)
        out << jsonDocument(session, report::memoryJson(*block, *size, physical, nameOf)) << '\n';
    else
        report::printMemoryWords(out, *block, *size, nameOf);
    return 0;
}

} // namespace

Verb rdVerb() {
    return {"rd",
            "[-s] [-8|-16|-32|-64] [-p] ADDR|SYMBOL [COUNT] DUMP",
            "COUNT words of memory (1 by default) with their ASCII, as crash's rd; -s names "
            "words that point into the kernel",
            {
                {"-s", nullptr,
                 "show words that point into kernel or module code or data as "
                 "symbol+offset (64-bit words)"},
                {"-8", nullptr, "bytes"},
                {"-16", nullptr, "16-bit words"},
                {"-32", nullptr, "32-bit words"},
                {"-64", nullptr, "64-bit words (the default)"},
                {"-p", nullptr, "ADDR is a physical address"},
            },
            1,
            2,
            runRd};
}

} // namespace panicscope::cli
