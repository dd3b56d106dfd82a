#include "report/json_report.h"
#include "report/type_report.h"
#include "util/hex.h"
#include "verbs.h"

namespace panicscope::cli {

// `list [-o OFFSET|TYPE.member] [-s TYPE[.member,...]] [-H] ADDR`, crash's syntax; the offset
// may also come first as an argument (`list task_struct.tasks -H ADDR`).
int runList(const model::Session& session, const Options& options, std::ostream& out,
            std::ostream& err) {
    model::ListRequest request;
    request.startIsHead = options.listHead;
    std::optional<std::string> offset = options.listOffset;
    if (options.args.size() == 2) {
        if (offset) return reportError(err, {Errc::Usage, "list: the offset is given twice"});
        offset = options.args.front();
    }
    if (offset) {
        if (auto number = parseDecimal(*offset))
            request.offset = *number;
        else if (offset->starts_with("0x"))
            request.offset = parseHex(*offset);
        else
            request.member = *offset;
        if (offset->starts_with("0x") && !request.offset)
            return reportError(err, {Errc::Usage, "'" + *offset + "' is no offset"});
    }
    request.structType = options.listStruct;
    const auto start = parseHex(options.args.back());
    if (!start)
        return reportError(err, {Errc::Usage, "'" + options.args.back() + "' is no hex address"});
    request.start = *start;
    auto list = session.walkList(request);
    if (!list) return reportError(err, list.error());
    const bool membersOnly =
        options.listStruct && options.listStruct->find('.') != std::string::npos;
    if (options.json)
        out << report::listJson(*list).dump(2) << '\n';
    else
        report::printList(out, *list, membersOnly);
    if (list->problem) return reportError(err, {Errc::Corrupt, "list: " + *list->problem});
    return 0;
}

} // namespace panicscope::cli
