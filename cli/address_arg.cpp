#include "address_arg.h"

#include "util/hex.h"

namespace panicscope::cli {

Result<uint64_t> resolveAddress(const model::Session& session, const std::string& text) {
    if (auto symbol = session.lookupSymbol(text); symbol && symbol->name == text)
        return symbol->address;
    if (auto address = parseHex(text)) return *address;
    return fail(Errc::Usage, "'" + text + "' is neither a symbol nor a hex address");
}

report::NameOf kernelSymbolNamer(const model::Session& session) {
    constexpr uint64_t kKernelSpace = 0xffffffff80000000; // __START_KERNEL_map
    return [&session](uint64_t value) -> std::optional<std::string> {
        if (value < kKernelSpace) return std::nullopt;
        auto s = session.symbolize(value);
        uint64_t after = 0;
        // A return address after a function's last call lies in its padding: name it by the
        // call, as the kernel's traces do ("sysrq_handle_crash+0x16/0x20").
        if (!s && (s = session.symbolize(value - 1))) after = 1;
        if (!s) return std::nullopt;
        std::string name = s->name + "+" + hex(s->offset + after);
        if (s->module) name += " [" + *s->module + "]";
        return name;
    };
}

} // namespace panicscope::cli
