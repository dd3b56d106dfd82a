#include "whatis_address.h"
#include "json_document.h"

#include "report/json_text.h"
#include "report/state_report.h"
#include "verbs.h"

namespace panicscope::cli {

int runDescribeAddress(const model::Session& session, uint64_t address, bool detailed,
                       const Options& options, std::ostream& out, std::ostream& err) {
    auto described = session.describeAddress(address);
    if (!described) return reportError(err, described.error());
    if (options.json)
        out << jsonDocument(session, {{"address", report::addressDescriptionJson(*described)}})
            << '\n';
    else if (detailed)
        report::printAddressDescription(out, *described);
    else
        out << report::addressSummary(*described) << '\n';
    return 0;
}

} // namespace panicscope::cli
