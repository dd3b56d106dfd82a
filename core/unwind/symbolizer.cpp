#include "unwind/symbolizer.h"

namespace panicscope::unwind {

const symbols::ModuleDebugInfo* Symbolizer::debugInfo(const ModuleCode* module) const {
    return module && moduleFiles_ ? moduleFiles_->find(module->name) : nullptr;
}

void Symbolizer::symbolize(Frame& frame, bool withLines) const {
    if (frame.userMode) return;
    // A return address belongs to the call before it: look up its code address, print the
    // offset of pc.
    const uint64_t at = frame.codeAddress();
    const CodeRef code = code_->find(at);
    if (code.inModule()) frame.module = code.module->name;
    if (!code.symbol) return;
    const uint64_t start = code.runtimeAddress(*code.symbol);
    frame.function = code.symbol->name;
    frame.offset = frame.pc - start;
    frame.functionSize = code.table->kallsymsSize(*code.symbol);
    if (!withLines) return;
    std::optional<symbols::SourceLocation> location;
    if (!code.inModule())
        location = vmlinux_->sourceLocation(code.tableAddress);
    else if (const auto* debug = debugInfo(code.module))
        location = debug->sourceLocation(code.symbol->name, at - start);
    if (location) {
        frame.file = location->file;
        frame.line = location->line;
    }
    addInlines(frame);
}

void Symbolizer::addInlines(Frame& frame) const {
    if (!frame.function) return;
    const uint64_t at = frame.codeAddress();
    std::vector<symbols::InlinedCall> chain;
    if (!frame.module) {
        chain = vmlinux_->inlineChain(at - code_->kaslrOffset());
    } else {
        // A module's .ko is looked up by function: the offset from its runtime start.
        const uint64_t start = frame.pc - frame.offset;
        if (const auto* debug = debugInfo(code_->find(at).module); debug && at >= start)
            chain = debug->inlineChain(*frame.function, at - start);
    }
    // Innermost first: the line table's location belongs to the innermost inlined function,
    // and each function further out is at the call site of the one inside it.
    std::optional<std::string> file = frame.file;
    std::optional<int> line = frame.line;
    for (const auto& call : chain) {
        frame.inlines.push_back({call.function, file, line});
        file = call.callSite ? std::optional(call.callSite->file) : std::nullopt;
        line = call.callSite ? std::optional(call.callSite->line) : std::nullopt;
    }
    if (!chain.empty()) {
        frame.file = file;
        frame.line = line;
    }
}

} // namespace panicscope::unwind
