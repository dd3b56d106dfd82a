#include "json_document.h"
#include "object_output.h"
#include "report/json_report.h"
#include "report/json_text.h"
#include "report/type_report.h"
#include "types/expressions.h"
#include "util/hex.h"
#include "verbs.h"

namespace panicscope::cli {

namespace {

// `struct TYPE[.member,...] [ADDR] [-o]` and the same for `union`: the definition, or the object
// at ADDR (only the members named after the type, when there are).
int runAggregate(const char* keyword, const model::Session& session, const Options& options,
                 std::ostream& out, std::ostream& err) {
    auto selection = types::parseTypeSelection(options.args.front());
    if (!selection) return reportError(err, selection.error());
    const std::string type = std::string(keyword) + " " + selection->type;
    if (options.args.size() == 1) {
        if (!selection->members.empty())
            return reportError(err, {Errc::Usage, "members are printed from an object: give its "
                                                  "address after " +
                                                      options.args.front()});
        auto definition = session.describeType(type);
        if (!definition) return reportError(err, definition.error());
        if (options.json)
            out << jsonDocument(
                       session,
                       nlohmann::ordered_json{{"type", report::typeDefinitionJson(*definition)}})
                << '\n';
        else
            report::printTypeDefinition(out, *definition, options.has("-o"));
        return 0;
    }
    const auto address = parseHex(options.args[1]);
    if (!address)
        return reportError(err, {Errc::Usage, "'" + options.args[1] + "' is no hex address"});
    auto objects = session.readObject(type, *address, selection->members);
    if (!objects) return reportError(err, objects.error());
    const auto style =
        selection->members.empty() ? report::ObjectStyle::TypeHeader : report::ObjectStyle::Member;
    return printObjects(session, *objects, style, options, out, err);
}

int runStruct(const model::Session& session, const Options& options, std::ostream& out,
              std::ostream& err) {
    return runAggregate("struct", session, options, out, err);
}

int runUnion(const model::Session& session, const Options& options, std::ostream& out,
             std::ostream& err) {
    return runAggregate("union", session, options, out, err);
}

} // namespace

Verb structVerb() {
    return {"struct",
            "TYPE[.member,...] [ADDR] DUMP",
            "a struct's definition, or the object at ADDR (only the members named, dotted paths "
            "into nested members too)",
            {{"-o", nullptr, "the definition with each member's offset"}},
            1,
            2,
            runStruct};
}

Verb unionVerb() {
    return {"union",
            "TYPE[.member,...] [ADDR] DUMP",
            "a union's definition, or the object at ADDR (as struct)",
            {{"-o", nullptr, "the definition with each member's offset"}},
            1,
            2,
            runUnion};
}

} // namespace panicscope::cli
