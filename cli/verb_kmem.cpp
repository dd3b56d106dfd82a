#include "json_document.h"
#include "report/json_text.h"
#include "report/state_report.h"
#include "util/hex.h"
#include "verbs.h"
#include "whatis_address.h"

namespace panicscope::cli {

namespace {

constexpr const char* kUsage = "usage: panicscope kmem -i DUMP, or panicscope kmem ADDR DUMP";

int usage(std::ostream& err, const std::string& message) {
    err << "panicscope: kmem: " << message << " (" << kUsage << ")\n";
    return 2;
}

int runKmem(const model::Session& session, const Options& options, std::ostream& out,
            std::ostream& err) {
    const bool totals = options.has("-i");
    if (totals == !options.args.empty())
        return usage(err, totals ? "-i takes no address" : "give -i or an address");
    if (!totals) {
        const auto address = parseHex(options.args.front());
        if (!address) return usage(err, "'" + options.args.front() + "' is not a hex address");
        return runDescribeAddress(session, *address, true, options, out, err);
    }
    auto memory = session.memoryTotals();
    if (!memory) return reportError(err, memory.error());
    if (options.json)
        out << jsonDocument(session, report::memoryTotalsJson(*memory)) << '\n';
    else
        report::printMemoryTotals(out, *memory);
    return 0;
}

} // namespace

Verb kmemVerb() {
    return {"kmem",
            "-i DUMP | ADDR DUMP",
            "memory totals (-i, as crash and /proc/meminfo add them up), or what an address is: "
            "kernel text or data, module, task or CPU stack, per-CPU, slab object, page, vmalloc",
            {{"-i", nullptr,
              "the memory totals: total, free, used, shared, buffers, cached, "
              "slab, swap, commit"}},
            0,
            1,
            runKmem};
}

} // namespace panicscope::cli
