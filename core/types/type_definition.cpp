#include "types/type_definition.h"

#include "types/type_graph.h"

namespace panicscope::types {

namespace {

constexpr int kMaxAnonymousDepth = 16;

bool isAggregate(TypeKind kind) {
    return kind == TypeKind::Struct || kind == TypeKind::Union;
}

std::vector<TypeMember> membersOf(const TypeGraph& graph, const Type& type, uint64_t baseBits,
                                  int depth) {
    std::vector<TypeMember> members;
    for (const Field& f : type.fields) {
        TypeMember m;
        m.name = f.name;
        const uint64_t bits = baseBits + f.bitOffset;
        m.offset = bits / 8;
        m.type = graph.nameOf(f.type);
        const Type inner = graph.get(graph.stripped(f.type));
        if (f.name.empty() && isAggregate(inner.kind) && inner.name.empty() &&
            depth < kMaxAnonymousDepth) {
            m.declaration = inner.kind == TypeKind::Struct ? "struct" : "union";
            m.size = inner.size;
            m.members = membersOf(graph, inner, bits, depth + 1);
        } else if (f.bitSize != 0) {
            m.declaration = graph.declare(f.type, f.name) + " : " + std::to_string(f.bitSize);
            m.bitOffset = static_cast<uint32_t>(bits % 8);
            m.bitSize = f.bitSize;
        } else {
            m.declaration = graph.declare(f.type, f.name);
            m.size = graph.sizeOf(f.type);
        }
        members.push_back(std::move(m));
    }
    return members;
}

} // namespace

TypeDefinition describeType(const TypeGraph& graph, TypeRef ref) {
    const Type type = graph.get(ref);
    TypeDefinition out;
    out.kind = type.kind;
    out.size = graph.sizeOf(ref);
    switch (type.kind) {
    case TypeKind::Typedef:
        out.name = type.name;
        out.typedefOf = "typedef " + graph.declare(type.target, type.name);
        break;
    case TypeKind::Struct:
    case TypeKind::Union:
        out.name = graph.nameOf(ref);
        out.members = membersOf(graph, type, 0, 0);
        break;
    case TypeKind::Enum:
        out.name = graph.nameOf(ref);
        out.enumerators = type.enumerators;
        break;
    default:
        out.name = graph.nameOf(ref);
        break;
    }
    return out;
}

} // namespace panicscope::types
