#include "report/code_report.h"

#include "util/hex.h"

#include <cstdio>

namespace panicscope::report {

using nlohmann::ordered_json;

namespace {

// "schedule+0x0" -> "schedule": a call's target is usually a function's start.
std::string targetName(const std::string& symbol) {
    return symbol.ends_with("+0x0") ? symbol.substr(0, symbol.size() - 4) : symbol;
}

std::string bytesHex(const std::vector<uint8_t>& bytes) {
    std::string s;
    char b[4];
    for (uint8_t byte : bytes) {
        std::snprintf(b, sizeof b, "%02x", byte);
        s += b;
    }
    return s;
}

} // namespace

void printDisassembly(std::ostream& out, const std::vector<model::CodeLine>& lines,
                      bool withLines) {
    std::optional<std::pair<std::string, int>> lastSource;
    for (const auto& l : lines) {
        const auto& insn = l.instruction;
        if (withLines && l.file) {
            std::pair<std::string, int> source{*l.file, l.line.value_or(0)};
            if (source != lastSource) out << source.first << ": " << source.second << '\n';
            lastSource = source;
        }
        out << hex(insn.address) << " <" << (l.symbol ? targetName(*l.symbol) : std::string("?"))
            << ">:\t" << insn.mnemonic;
        if (!insn.operands.empty()) out << ' ' << insn.operands;
        if (l.target) out << " <" << targetName(*l.target) << '>';
        out << '\n';
    }
}

ordered_json disassemblyJson(const std::vector<model::CodeLine>& lines) {
    auto orNull = [](const auto& v) { return v ? ordered_json(*v) : ordered_json(nullptr); };
    ordered_json out = ordered_json::array();
    for (const auto& l : lines) {
        const auto& insn = l.instruction;
        out.push_back({{"address", hex(insn.address)},
                       {"bytes", bytesHex(insn.bytes)},
                       {"symbol", orNull(l.symbol)},
                       {"mnemonic", insn.mnemonic},
                       {"operands", insn.operands},
                       {"target", insn.target ? ordered_json(hex(*insn.target)) : nullptr},
                       {"target_symbol", orNull(l.target)},
                       {"file", orNull(l.file)},
                       {"line", orNull(l.line)}});
    }
    return {{"instructions", std::move(out)}};
}

void printModules(std::ostream& out, const std::vector<model::ModuleRow>& modules) {
    out << "MODULE            NAME                      BASE                SIZE  TAINTS  ORC  "
           "DEBUGINFO\n";
    char line[256];
    for (const auto& m : modules) {
        const std::string size = m.size ? std::to_string(*m.size) : "?";
        std::snprintf(line, sizeof line, "%s  %-24s  %s  %8s  %-6s  %-3s  %s\n",
                      hex16(m.address).c_str(), m.name.c_str(), hex16(m.textBase).c_str(),
                      size.c_str(), m.taints.empty() ? "-" : m.taints.c_str(),
                      m.hasOrc ? "yes" : "no", m.hasDebugInfo ? "yes" : "no");
        out << line;
    }
}

ordered_json modulesJson(const std::vector<model::ModuleRow>& modules) {
    ordered_json out = ordered_json::array();
    for (const auto& m : modules)
        out.push_back({{"name", m.name},
                       {"module", hex(m.address)},
                       {"base", hex(m.textBase)},
                       {"text_size", m.textSize},
                       {"size", m.size ? ordered_json(*m.size) : ordered_json(nullptr)},
                       {"taints", m.taints},
                       {"orc", m.hasOrc},
                       {"debug_info", m.hasDebugInfo}});
    return {{"modules", std::move(out)}};
}

} // namespace panicscope::report
