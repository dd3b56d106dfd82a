#include "address_arg.h"
#include "json_document.h"
#include "report/code_report.h"
#include "report/json_text.h"
#include "util/hex.h"
#include "verbs.h"

namespace panicscope::cli {

namespace {

// dis -r: the function around a return address from its start (so the instructions are
// aligned), up to and including the call the address returns from.
Result<std::vector<model::CodeLine>> upToReturnAddress(const model::Session& session,
                                                       uint64_t returnAddress) {
    auto lines = session.disassembleFunction(hex(returnAddress - 1));
    if (!lines) return lines;
    std::erase_if(*lines,
                  [&](const model::CodeLine& l) { return l.instruction.address >= returnAddress; });
    const auto& last = lines->back().instruction;
    if (last.address + last.bytes.size() != returnAddress)
        return fail(Errc::Usage, hex(returnAddress) + " is not after an instruction of " +
                                     lines->back().symbol.value_or("its function"));
    return lines;
}

int runDis(const model::Session& session, const Options& options, std::ostream& out,
           std::ostream& err) {
    const std::string& what = options.args[0];
    Result<std::vector<model::CodeLine>> lines = fail(Errc::Usage, "");
    if (options.args.size() > 1) {
        if (options.has("-r")) return reportError(err, {Errc::Usage, "dis: -r takes no COUNT"});
        auto count = parseDecimal(options.args[1]);
        if (!count || *count == 0 || *count > 100000)
            return reportError(err, {Errc::Usage, "dis: COUNT '" + options.args[1] +
                                                      "' is not a number from 1 to 100000"});
        auto address = resolveAddress(session, what);
        if (!address) return reportError(err, address.error());
        lines = session.disassemble(*address, *count);
    } else if (options.has("-r")) {
        auto address = resolveAddress(session, what);
        if (!address) return reportError(err, address.error());
        lines = upToReturnAddress(session, *address);
    } else {
        lines = session.disassembleFunction(what);
    }
    if (!lines) return reportError(err, lines.error());
    if (options.json)
        out << jsonDocument(session, report::disassemblyJson(*lines)) << '\n';
    else
        report::printDisassembly(out, *lines, options.has("-l"));
    return 0;
}

} // namespace

Verb disVerb() {
    Verb verb{"dis",
              "[-l] [-r] ADDR|FUNCTION [COUNT] DUMP",
              "disassembly: the whole function, COUNT instructions from ADDR, or (-r) the "
              "function up to the call before a return address",
              {
                  {"-l", nullptr, "the source file and line before the instructions of each line"},
                  {"-r", nullptr,
                   "ADDR is a return address: the function from its start up to "
                   "and including the call before it"},
              },
              1,
              2,
              runDis};
    verb.unwinds = true; // names module code and call targets through the unwinder's code map
    return verb;
}

} // namespace panicscope::cli
