// VMCOREINFO: the KEY=VALUE note the kernel leaves for dump tools (release, KASLR offset, symbol
// addresses, struct offsets of a few types).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace panicscope::dump {

class Vmcoreinfo {
  public:
    Vmcoreinfo() = default;
    static Vmcoreinfo parse(std::string_view text);

    bool empty() const { return lines_.empty(); }
    std::optional<std::string> value(std::string_view key) const;
    std::optional<std::string> osrelease() const { return value("OSRELEASE"); }
    std::optional<std::string> buildId() const { return value("BUILD-ID"); }
    // KERNELOFFSET=hex (the KASLR slide of the kernel text).
    std::optional<uint64_t> kernelOffset() const;
    // SYMBOL(name)=hex: a runtime (already relocated) address.
    std::optional<uint64_t> symbol(std::string_view name) const;
    // OFFSET(type.member)=dec, SIZE(type)=dec, LENGTH(x)=dec.
    std::optional<uint64_t> offset(std::string_view typeDotMember) const;
    std::optional<uint64_t> size(std::string_view type) const;
    // NUMBER(name)=dec, signed (NUMBER(phys_base) can be negative).
    std::optional<int64_t> number(std::string_view name) const;

  private:
    std::optional<uint64_t> unsignedValue(const std::string& key, int base) const;
    std::map<std::string, std::string, std::less<>> lines_;
};

} // namespace panicscope::dump
