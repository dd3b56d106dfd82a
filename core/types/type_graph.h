// The crashed kernel's C types: found by name in its BTF (one definition per name, read in
// milliseconds) with its DWARF behind it (every type; the only source on a kernel without BTF),
// read on first use and kept. What the struct, union, p, whatis and list verbs stand on.
// Thread-safe.
#pragma once

#include "types/type.h"
#include "util/result.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace panicscope::symbols {
class BtfTypes;
struct DwarfHandle;
} // namespace panicscope::symbols

namespace panicscope::types {

class TypeReader;

// A member reached by a dotted path from an aggregate.
struct MemberAt {
    TypeRef type;
    uint64_t bitOffset = 0; // from the start of the outer aggregate
    uint32_t bitSize = 0;   // 0: not a bit-field
};

class TypeGraph {
  public:
    // Either source may be null (no BTF; no DWARF). `fileName` names the vmlinux in errors.
    TypeGraph(const symbols::BtfTypes* btf, symbols::DwarfHandle* dwarf, std::string fileName);
    ~TypeGraph();
    TypeGraph(const TypeGraph&) = delete;
    TypeGraph& operator=(const TypeGraph&) = delete;

    // "struct list_head", "union thread_union", "enum pid_type", or a bare name: a struct, a
    // union, a typedef or an enum of that name, in that order. Errc::NoType when none.
    Result<TypeRef> findType(std::string_view spelled) const;
    // The declared type of a global or per-CPU variable. Errc::NoType when the debug info has
    // no variable of that name.
    Result<TypeRef> variableType(std::string_view name) const;

    // The type behind a ref; a Void type for a ref that names none.
    Type get(TypeRef ref) const;
    // Behind typedefs and qualifiers (a Void ref for a chain too long to be real).
    TypeRef stripped(TypeRef ref) const;
    // sizeof: arrays whole, typedefs resolved; 0 for what has no size.
    uint64_t sizeOf(TypeRef ref) const;
    // The C name of a type ("struct list_head *", "char [16]", "void (*)(struct rq *)").
    std::string nameOf(TypeRef ref) const;
    // A declaration of `declarator` with this type, without the semicolon
    // ("volatile unsigned long jiffies", "char comm[16]", "void (*func)(struct callback_head *)").
    std::string declare(TypeRef ref, std::string_view declarator) const;
    // The member `path` ("se.vruntime", "name.release") of a struct or union, looking through
    // anonymous members. Errc::NoType naming the path when absent.
    Result<MemberAt> member(TypeRef aggregate, std::string_view path) const;

  private:
    const TypeReader* reader(TypeRef::Source source) const;
    Result<TypeRef> findTagged(TypeTag tag, std::string_view name) const;
    std::string declareAt(TypeRef ref, std::string inner, int depth) const;
    std::string baseName(const Type& type) const;

    std::unique_ptr<TypeReader> btf_;
    std::unique_ptr<TypeReader> dwarf_;
    std::string fileName_;
    mutable std::mutex mutex_; // guards cache_
    mutable std::map<std::pair<TypeRef::Source, uint64_t>, Type> cache_;
};

} // namespace panicscope::types
