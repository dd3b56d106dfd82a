#include "dump/vmcoreinfo.h"

#include "util/hex.h"

#include <charconv>

namespace panicscope::dump {

Vmcoreinfo Vmcoreinfo::parse(std::string_view text) {
    Vmcoreinfo info;
    while (!text.empty()) {
        const size_t eol = text.find('\n');
        std::string_view line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
        const size_t eq = line.find('=');
        if (eq == std::string_view::npos || eq == 0) continue;
        info.lines_.emplace(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
    }
    return info;
}

std::optional<std::string> Vmcoreinfo::value(std::string_view key) const {
    auto it = lines_.find(key);
    if (it == lines_.end()) return std::nullopt;
    return it->second;
}

std::optional<uint64_t> Vmcoreinfo::unsignedValue(const std::string& key, int base) const {
    auto v = value(key);
    if (!v) return std::nullopt;
    return base == 16 ? parseHex(*v) : parseDecimal(*v);
}

std::optional<uint64_t> Vmcoreinfo::kernelOffset() const {
    return unsignedValue("KERNELOFFSET", 16);
}

std::optional<uint64_t> Vmcoreinfo::symbol(std::string_view name) const {
    return unsignedValue("SYMBOL(" + std::string(name) + ")", 16);
}

std::optional<uint64_t> Vmcoreinfo::offset(std::string_view typeDotMember) const {
    return unsignedValue("OFFSET(" + std::string(typeDotMember) + ")", 10);
}

std::optional<uint64_t> Vmcoreinfo::size(std::string_view type) const {
    return unsignedValue("SIZE(" + std::string(type) + ")", 10);
}

std::optional<int64_t> Vmcoreinfo::number(std::string_view name) const {
    auto v = value("NUMBER(" + std::string(name) + ")");
    if (!v || v->empty()) return std::nullopt;
    int64_t out = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out, 10);
    if (ec != std::errc() || end != v->data() + v->size()) return std::nullopt;
    return out;
}

} // namespace panicscope::dump
