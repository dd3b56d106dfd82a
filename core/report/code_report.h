// dis's and mod's output: instructions as crash's dis prints them, and the loaded modules.
#pragma once

#include "model/values.h"

#include <nlohmann/json.hpp>

#include <ostream>
#include <vector>

namespace panicscope::report {

// "0xffffffff81a0e3f6 <schedule+0x6>:\tcallq 0xffffffff81a0d8c0 <__schedule>"; with `withLines`
// a "FILE: LINE" line before each instruction whose source line differs from the one before.
void printDisassembly(std::ostream& out, const std::vector<model::CodeLine>& lines, bool withLines);
// dis --json: {"instructions":[{"address","bytes","symbol","mnemonic","operands","target",
// "target_symbol","file","line"}]}.
nlohmann::ordered_json disassemblyJson(const std::vector<model::CodeLine>& lines);

// One module a line: MODULE (struct module), NAME, BASE, SIZE, TAINTS, ORC, DEBUGINFO.
void printModules(std::ostream& out, const std::vector<model::ModuleRow>& modules);
// mod --json: {"modules":[{"name","module","base","text_size","size","taints","orc",
// "debug_info"}]} (the caller adds "warnings").
nlohmann::ordered_json modulesJson(const std::vector<model::ModuleRow>& modules);

} // namespace panicscope::report
