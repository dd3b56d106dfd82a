// Test doubles for the kernel model: memory made of byte ranges, layouts made of a table.
#pragma once

#include "dump/memory.h"
#include "symbols/layouts.h"

#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace panicscope::testing {

// Sparse memory: regions of bytes at virtual addresses; reading anything else is NotInDump.
class FakeMemory : public dump::Memory {
  public:
    void map(uint64_t address, std::vector<std::byte> bytes) {
        regions_[address] = std::move(bytes);
    }
    void mapZeros(uint64_t address, size_t size) { map(address, std::vector<std::byte>(size)); }
    template <class T> void put(uint64_t address, const T& value) {
        auto [base, region] = find(address, sizeof(T));
        std::memcpy(region->data() + (address - base), &value, sizeof(T));
    }
    void putBytes(uint64_t address, const void* data, size_t size) {
        auto [base, region] = find(address, size);
        std::memcpy(region->data() + (address - base), data, size);
    }

    Result<void> read(uint64_t address, std::span<std::byte> out,
                      dump::AddressSpace = dump::AddressSpace::KernelVirtual) const override {
        for (const auto& [base, bytes] : regions_)
            if (address >= base && address + out.size() <= base + bytes.size()) {
                std::memcpy(out.data(), bytes.data() + (address - base), out.size());
                return {};
            }
        return fail(Errc::NotInDump, "address " + std::to_string(address) + " is not in the dump");
    }

  private:
    std::pair<uint64_t, std::vector<std::byte>*> find(uint64_t address, size_t size) {
        for (auto& [base, bytes] : regions_)
            if (address >= base && address + size <= base + bytes.size()) return {base, &bytes};
        throw std::out_of_range("FakeMemory::put outside any mapped region");
    }
    std::map<uint64_t, std::vector<std::byte>> regions_;
};

// Layouts from a table: {"struct.member.path" -> {offset, size}} and {"struct" -> size}.
class FakeLayouts : public symbols::Layouts {
  public:
    void add(const std::string& structName, const std::string& path, uint64_t offset,
             uint64_t size) {
        members_[structName + "." + path] = {offset, size};
    }
    void addSize(const std::string& structName, uint64_t size) { sizes_[structName] = size; }
    void addEnumerator(const std::string& name, int64_t value) { enumerators_[name] = value; }

    Result<symbols::Member> member(std::string_view s, std::string_view path) const override {
        auto it = members_.find(std::string(s) + "." + std::string(path));
        if (it == members_.end())
            return fail(Errc::NoType,
                        "struct " + std::string(s) + " has no member '" + std::string(path) + "'");
        return it->second;
    }
    Result<uint64_t> sizeOf(std::string_view s) const override {
        auto it = sizes_.find(std::string(s));
        if (it == sizes_.end()) return fail(Errc::NoType, "no struct '" + std::string(s) + "'");
        return it->second;
    }

    Result<int64_t> enumerator(std::string_view name) const override {
        auto it = enumerators_.find(std::string(name));
        if (it == enumerators_.end())
            return fail(Errc::NoType, "no enumerator '" + std::string(name) + "'");
        return it->second;
    }

  private:
    std::map<std::string, int64_t> enumerators_;
    std::map<std::string, symbols::Member> members_;
    std::map<std::string, uint64_t> sizes_;
};

} // namespace panicscope::testing
