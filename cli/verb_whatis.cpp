#include "json_document.h"
#include "report/json_report.h"
#include "report/json_text.h"
#include "report/type_report.h"
#include "util/hex.h"
#include "verbs.h"
#include "whatis_address.h"

namespace panicscope::cli {

namespace {

int printType(const model::Session& session, const model::TypeDefinition& type,
              const Options& options, std::ostream& out) {
    if (options.json)
        out << jsonDocument(session, {{"type", report::typeDefinitionJson(type)}}) << '\n';
    else
        report::printTypeDefinition(out, type, false);
    return 0;
}

// `whatis struct list_head`, `whatis pid_t`, `whatis jiffies`: a type's definition or a
// variable's declaration. A tagged name is a type; a bare one a variable first, then a type;
// what names neither but reads as an address is left to address classification.
int runWhatis(const model::Session& session, const Options& options, std::ostream& out,
              std::ostream& err) {
    std::string name;
    for (const auto& a : options.args)
        name += (name.empty() ? "" : " ") + a;
    const bool tagged =
        name.starts_with("struct ") || name.starts_with("union ") || name.starts_with("enum ");
    // An address names no symbol: it goes to address classification without the debug info's
    // search for a variable or type of that name (slow for a name it lacks).
    if (!tagged && parseHex(name)) {
        const auto symbol = session.lookupSymbol(name);
        if (name.starts_with("0x") || !symbol || symbol->name != name)
            return runDescribeAddress(session, *parseHex(name), false, options, out, err);
    }
    if (!tagged) {
        if (auto variable = session.describeVariable(name)) {
            if (options.json)
                out << jsonDocument(session,
                                    nlohmann::ordered_json{
                                        {"variable", report::variableInfoJson(*variable)}})
                    << '\n';
            else
                report::printVariableInfo(out, *variable);
            return 0;
        }
    }
    auto type = session.describeType(name);
    if (type) return printType(session, *type, options, out);
    if (tagged) return reportError(err, type.error());
    return reportError(err, {Errc::NoType, "no variable or type named '" + name + "'"});
}

} // namespace

Verb whatisVerb() {
    return {"whatis",
            "VARIABLE|[struct|union|enum] TYPE|ADDR DUMP",
            "a variable's declaration, a type's definition and size, or what an address is "
            "(as kmem ADDR, on one line)",
            {},
            1,
            2,
            runWhatis};
}

} // namespace panicscope::cli
