#include "types/btf_type_reader.h"

namespace panicscope::types {

namespace {

using symbols::BtfKind;

TypeRef btfRef(uint32_t id) {
    return id == 0 ? TypeRef{} : TypeRef{TypeRef::Source::Btf, id};
}

} // namespace

std::optional<uint32_t> BtfTypeReader::definitionOf(uint32_t forward) const {
    const BtfKind wanted = btf_.forwardIsUnion(forward) ? BtfKind::Union : BtfKind::Struct;
    std::optional<uint32_t> found;
    for (uint32_t id : btf_.aggregatesNamed(btf_.name(forward))) {
        if (btf_.kind(id) != wanted) continue;
        if (found) return std::nullopt;
        found = id;
    }
    return found;
}

std::optional<Type> BtfTypeReader::read(uint64_t id64) const {
    if (id64 == 0 || id64 >= btf_.count()) return std::nullopt;
    auto id = static_cast<uint32_t>(id64);
    // __user, __rcu: type tags have no C spelling of their own; a chain of them too long to be
    // real is a damaged file.
    for (int tags = 0; btf_.kind(id) == BtfKind::TypeTag; ++tags) {
        if (tags == 32) return std::nullopt;
        id = btf_.referredType(id);
    }
    Type t;
    t.name = std::string(btf_.name(id));
    switch (btf_.kind(id)) {
    case BtfKind::Int:
        t.kind = TypeKind::Integer;
        t.size = btf_.size(id);
        t.isSigned = btf_.intSigned(id);
        t.isChar = btf_.intChar(id) || t.name == "char";
        t.isBool = btf_.intBool(id);
        return t;
    case BtfKind::Float:
        t.kind = TypeKind::Float;
        t.size = btf_.size(id);
        return t;
    case BtfKind::Pointer:
        t.kind = TypeKind::Pointer;
        t.size = 8; // x86-64
        t.target = btfRef(btf_.referredType(id));
        return t;
    case BtfKind::Array:
        t.kind = TypeKind::Array;
        t.target = btfRef(btf_.referredType(id));
        if (btf_.arrayLength(id) != 0) t.count = btf_.arrayLength(id);
        return t;
    case BtfKind::Forward:
        if (auto definition = definitionOf(id)) return read(*definition);
        t.kind = btf_.forwardIsUnion(id) ? TypeKind::Union : TypeKind::Struct;
        t.declaration = true;
        return t;
    case BtfKind::Struct:
    case BtfKind::Union:
        t.kind = btf_.kind(id) == BtfKind::Struct ? TypeKind::Struct : TypeKind::Union;
        t.size = btf_.size(id);
        for (const auto& m : btf_.members(id))
            t.fields.push_back({std::string(m.name), btfRef(m.type), m.bitOffset, m.bitFieldSize});
        return t;
    case BtfKind::Enum:
    case BtfKind::Enum64:
        t.kind = TypeKind::Enum;
        t.size = btf_.size(id);
        t.isSigned = btf_.enumSigned(id);
        for (const auto& e : btf_.enumerators(id))
            t.enumerators.push_back({std::string(e.name), e.value});
        return t;
    case BtfKind::Typedef:
        t.kind = TypeKind::Typedef;
        t.target = btfRef(btf_.referredType(id));
        return t;
    case BtfKind::Const:
    case BtfKind::Volatile:
    case BtfKind::Restrict: {
        const BtfKind k = btf_.kind(id);
        t.kind = k == BtfKind::Const      ? TypeKind::Const
                 : k == BtfKind::Volatile ? TypeKind::Volatile
                                          : TypeKind::Restrict;
        t.name.clear();
        t.target = btfRef(btf_.referredType(id));
        return t;
    }
    case BtfKind::FunctionProto:
        t.kind = TypeKind::Function;
        t.target = btfRef(btf_.referredType(id));
        for (const auto& p : btf_.parameters(id)) {
            if (p.type == 0) {
                t.variadic = true;
                break;
            }
            t.parameters.push_back(btfRef(p.type));
        }
        return t;
    default: // void, functions, variables, sections, tags: not types of values
        return std::nullopt;
    }
}

std::optional<uint64_t> BtfTypeReader::findNamed(TypeTag tag, std::string_view name) const {
    std::optional<uint32_t> found;
    auto consider = [&](uint32_t id, BtfKind kind) {
        if (btf_.kind(id) != kind) return true;
        if (found) return false; // more than one: DWARF decides
        found = id;
        return true;
    };
    switch (tag) {
    case TypeTag::Struct:
    case TypeTag::Union:
        for (uint32_t id : btf_.aggregatesNamed(name))
            if (!consider(id, tag == TypeTag::Struct ? BtfKind::Struct : BtfKind::Union))
                return std::nullopt;
        return found;
    case TypeTag::Typedef:
        for (uint32_t id : btf_.typedefsNamed(name))
            if (!consider(id, BtfKind::Typedef)) return std::nullopt;
        return found;
    case TypeTag::Enum:
        return std::nullopt; // BTF indexes no enum names: DWARF, or none on a BTF-only kernel
    }
    return std::nullopt;
}

std::optional<uint64_t> BtfTypeReader::findVariableType(std::string_view name) const {
    const uint32_t variable = btf_.variableNamed(name);
    if (variable == 0) return std::nullopt;
    return btf_.referredType(variable);
}

} // namespace panicscope::types
