#include "address_arg.h"
#include "json_document.h"
#include "report/json_text.h"
#include "report/memory_report.h"
#include "util/hex.h"
#include "verbs.h"

#include <iostream>

#include <unistd.h>

namespace panicscope::cli {

namespace {

Result<uint64_t> hexOption(const Options& options, const char* name) {
    auto text = options.value(name);
    auto value = text ? parseHex(*text) : std::nullopt;
    if (!value)
        return fail(Errc::Usage, std::string("search: ") + name + " '" + text.value_or("") +
                                     "' is not a hex number");
    return *value;
}

// -s START and -e END or -l LENGTH, by default the direct map of all physical memory.
Result<model::SearchRequest> searchRange(const model::Session& session, const Options& options) {
    model::SearchRequest request;
    if (options.has("-e") && options.has("-l"))
        return fail(Errc::Usage, "search: give -e END or -l LENGTH, not both");
    auto whole = session.directMapRange();
    if (options.has("-s")) {
        auto start = resolveAddress(session, *options.value("-s"));
        if (!start) return tl::unexpected(start.error());
        request.begin = *start;
    } else {
        if (!whole) return tl::unexpected(whole.error());
        request.begin = whole->first;
    }
    if (options.has("-e")) {
        auto end = hexOption(options, "-e");
        if (!end) return tl::unexpected(end.error());
        request.end = *end;
    } else if (options.has("-l")) {
        auto length = hexOption(options, "-l");
        if (!length) return tl::unexpected(length.error());
        if (request.begin + *length < request.begin)
            return fail(Errc::Usage, "search: the range wraps around");
        request.end = request.begin + *length;
    } else if (whole && request.begin >= whole->first && request.begin < whole->second) {
        request.end = whole->second;
    } else {
        return fail(Errc::Usage, "search: -s outside the direct map needs -e END or -l LENGTH");
    }
    return request;
}

int runSearch(const model::Session& session, const Options& options, std::ostream& out,
              std::ostream& err) {
    auto request = searchRange(session, options);
    if (!request) return reportError(err, request.error());
    auto value = parseHex(options.args[0]);
    if (!value)
        return reportError(
            err, {Errc::Usage, "search: VALUE '" + options.args[0] + "' is not a hex number"});
    request->value = *value;
    if (options.has("-m")) {
        auto mask = hexOption(options, "-m");
        if (!mask) return reportError(err, mask.error());
        request->mask = *mask;
    }
    model::Session::OnProgress progress;
    if (isatty(STDERR_FILENO) && &err == &std::cerr)
        progress = [&err](size_t done, size_t total) {
            err << "\r\033[Kpanicscope: searched " << (done >> 20) << " of " << (total >> 20)
                << " MiB" << std::flush;
        };
    auto result = session.searchMemory(*request, progress);
    if (progress) err << "\r\033[K" << std::flush;
    if (!result) return reportError(err, result.error());
    const report::NameOf whereIs = kernelSymbolNamer(session);
    if (options.json)
        out << jsonDocument(session, report::searchJson(*request, *result, whereIs)) << '\n';
    else
        report::printSearchHits(out, *result, whereIs);
    if (result->stoppedAtMaxHits)
        err << "panicscope: warning: stopped after " << result->hits.size() << " hits\n";
    if (result->bytesMissing)
        err << "panicscope: " << (result->bytesMissing >> 10)
            << " KiB of the range are not in the dump (skipped)\n";
    return 0;
}

} // namespace

Verb searchVerb() {
    return {"search",
            "[-s START] [-e END|-l LENGTH] [-m MASK] VALUE DUMP",
            "where a 64-bit value is stored in kernel memory (8-byte aligned words; by default "
            "the direct map of all physical memory)",
            {
                {"-s", "START", "where to start (hex or a symbol)"},
                {"-e", "END", "where to stop (hex, exclusive)"},
                {"-l", "LENGTH", "how many bytes to search (hex); the range is at most 64 GiB"},
                {"-m", "MASK", "compare only the bits set in MASK (hex)"},
            },
            1,
            1,
            runSearch};
}

} // namespace panicscope::cli
