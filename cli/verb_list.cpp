#include "json_document.h"
#include "report/json_report.h"
#include "report/json_text.h"
#include "report/type_report.h"
#include "util/hex.h"
#include "verbs.h"

namespace panicscope::cli {

namespace {

// `list [-o OFFSET|TYPE.member] [-s TYPE[.member,...]] [-H] ADDR`, crash's syntax; the offset
// may also come first as an argument (`list task_struct.tasks -H ADDR`).
int runList(const model::Session& session, const Options& options, std::ostream& out,
            std::ostream& err) {
    model::ListRequest request;
    request.startIsHead = options.has("-H");
    std::optional<std::string> offset = options.value("-o");
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
    request.structType = options.value("-s");
    const auto start = parseHex(options.args.back());
    if (!start)
        return reportError(err, {Errc::Usage, "'" + options.args.back() + "' is no hex address"});
    request.start = *start;
    auto list = session.walkList(request);
    if (!list) return reportError(err, list.error());
    const bool membersOnly =
        request.structType && request.structType->find('.') != std::string::npos;
    if (options.json)
        out << jsonDocument(session, report::listJson(*list)) << '\n';
    else
        report::printList(out, *list, membersOnly);
    if (list->problem) return reportError(err, {Errc::Corrupt, "list: " + *list->problem});
    return 0;
}

} // namespace

Verb listVerb() {
    return {"list",
            "[OFFSET|TYPE.member] ADDR DUMP",
            "the entries of a list_head chain from the entry at ADDR (-H: from the list head at "
            "ADDR), each printed as a struct with -s",
            {{"-o", "OFFSET|TYPE.member", "where the list_head lies in each entry (default 0)"},
             {"-s", "TYPE[.member,...]", "print each entry as that struct (only those members)"},
             {"-H", nullptr, "ADDR is the list's head, not an entry"}},
            1,
            2,
            runList};
}

} // namespace panicscope::cli
