// Console text (a serial console, netconsole, pstore, dmesg, journalctl -k): the oops parser,
// the crash report and signature built from it, printed as text and JSON -- `triage --console
// FILE`.
#include "triage/console_triage.h"
#include "report/json_text.h"
#include "report/triage_report.h"

#include <sstream>

#include <cstdint>
#include <string_view>

using namespace panicscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto parse = triage::parseConsoleText(text);
    for (const auto& report : parse.reports) {
        (void)triage::summarize(report);
        if (report.panicMessage) (void)triage::classifyPanicMessage(*report.panicMessage);
    }
    // What `triage --console` prints, as text and as JSON (bytes that are not UTF-8 included).
    if (auto report = triage::triageConsoleText(text, "fuzz-input")) {
        std::ostringstream out;
        report::printCrashReport(out, *report);
        out << report::jsonText(report::crashReportJson(*report));
    }
    return 0;
}
