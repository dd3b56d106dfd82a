#include "kernel/kernel_view.h"

namespace panicscope::kernel {

Result<uint64_t> KernelView::address(std::string_view symbol) const {
    const symbols::Symbol* s = symbols_.byName(symbol);
    if (!s) return fail(Errc::NoSymbol, "the vmlinux has no symbol '" + std::string(symbol) + "'");
    return s->address + kaslrOffset_;
}

const symbols::Symbol* KernelView::symbolAt(uint64_t runtimeAddress) const {
    return symbols_.containing(runtimeAddress - kaslrOffset_);
}

Result<void> KernelView::memberOffset(std::string_view structName, std::string_view path,
                                      uint64_t& offset, uint64_t* size) const {
    auto m = layouts_.member(structName, path);
    if (!m) return tl::unexpected(m.error());
    offset = m->offset;
    if (size) *size = m->size;
    return {};
}

Result<uint64_t> KernelView::readUnsigned(uint64_t address, uint64_t size) const {
    switch (size) {
    case 1:
        return memory_.readValue<uint8_t>(address);
    case 2:
        return memory_.readValue<uint16_t>(address);
    case 4:
        return memory_.readValue<uint32_t>(address);
    case 8:
        return memory_.readValue<uint64_t>(address);
    default:
        return fail(Errc::Unsupported,
                    "cannot read a " + std::to_string(size) + "-byte field as a number");
    }
}

Result<uint64_t> KernelView::readField(uint64_t object, std::string_view structName,
                                       std::string_view path) const {
    auto m = layouts_.member(structName, path);
    if (!m) return tl::unexpected(m.error());
    return readUnsigned(object + m->offset, m->size);
}

Result<std::string> KernelView::readStringField(uint64_t object, std::string_view structName,
                                                std::string_view path) const {
    auto m = layouts_.member(structName, path);
    if (!m) return tl::unexpected(m.error());
    return memory_.readCString(object + m->offset, m->size);
}

Result<uint64_t> KernelView::readGlobal(std::string_view symbol, size_t size) const {
    auto a = address(symbol);
    if (!a) return tl::unexpected(a.error());
    return readUnsigned(*a, size);
}

} // namespace panicscope::kernel
