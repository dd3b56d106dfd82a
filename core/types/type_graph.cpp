#include "types/type_graph.h"

#include "types/btf_type_reader.h"
#include "types/dwarf_type_reader.h"

namespace panicscope::types {

namespace {

constexpr int kMaxChain = 32; // typedefs, qualifiers, pointers of one declarator; more is a cycle

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return s;
}

// GCC's spelling of an integer type ("long unsigned int") as C programmers, drgn and crash's
// whatis write it ("unsigned long"); names with other words ("_Bool", "__int128") stay.
std::string canonicalInteger(const std::string& name) {
    int longs = 0;
    bool isUnsigned = false, isSigned = false, isShort = false, isChar = false;
    size_t start = 0;
    while (start < name.size()) {
        size_t end = name.find(' ', start);
        if (end == std::string::npos) end = name.size();
        const std::string_view word(name.data() + start, end - start);
        if (word == "long")
            ++longs;
        else if (word == "unsigned")
            isUnsigned = true;
        else if (word == "signed")
            isSigned = true;
        else if (word == "short")
            isShort = true;
        else if (word == "char")
            isChar = true;
        else if (word != "int")
            return name;
        start = end + 1;
    }
    if (isChar) return isUnsigned ? "unsigned char" : isSigned ? "signed char" : "char";
    std::string out = isUnsigned ? "unsigned " : "";
    if (isShort) return out + "short";
    if (longs == 1) return out + "long";
    if (longs >= 2) return out + "long long";
    return out + "int";
}

} // namespace

TypeGraph::TypeGraph(const symbols::BtfTypes* btf, symbols::DwarfHandle* dwarf,
                     std::string fileName)
    : fileName_(std::move(fileName)) {
    if (btf) btf_ = std::make_unique<BtfTypeReader>(*btf);
    if (dwarf) dwarf_ = std::make_unique<DwarfTypeReader>(*dwarf);
}

TypeGraph::~TypeGraph() = default;

const TypeReader* TypeGraph::reader(TypeRef::Source source) const {
    switch (source) {
    case TypeRef::Source::Btf:
        return btf_.get();
    case TypeRef::Source::Dwarf:
        return dwarf_.get();
    case TypeRef::Source::Void:
        break;
    }
    return nullptr;
}

Result<TypeRef> TypeGraph::findTagged(TypeTag tag, std::string_view name) const {
    if (btf_)
        if (auto id = btf_->findNamed(tag, name)) return TypeRef{TypeRef::Source::Btf, *id};
    if (dwarf_)
        if (auto id = dwarf_->findNamed(tag, name)) return TypeRef{TypeRef::Source::Dwarf, *id};
    static constexpr const char* kWords[] = {"struct ", "union ", "enum ", "typedef "};
    return fail(Errc::NoType, "no " + std::string(kWords[static_cast<int>(tag)]) +
                                  std::string(name) + " in the debug info of " + fileName_);
}

Result<TypeRef> TypeGraph::findType(std::string_view spelled) const {
    spelled = trimmed(spelled);
    static constexpr std::pair<std::string_view, TypeTag> kPrefixes[] = {
        {"struct ", TypeTag::Struct}, {"union ", TypeTag::Union}, {"enum ", TypeTag::Enum}};
    for (const auto& [prefix, tag] : kPrefixes)
        if (spelled.starts_with(prefix))
            return findTagged(tag, trimmed(spelled.substr(prefix.size())));
    if (spelled.empty()) return fail(Errc::Usage, "no type name given");
    for (TypeTag tag : {TypeTag::Struct, TypeTag::Union, TypeTag::Typedef, TypeTag::Enum})
        if (auto found = findTagged(tag, spelled)) return found;
    return fail(Errc::NoType, "no struct, union, typedef or enum named '" + std::string(spelled) +
                                  "' in the debug info of " + fileName_);
}

Result<TypeRef> TypeGraph::variableType(std::string_view name) const {
    // BTF has only the per-CPU variables, found in a scan of its records; DWARF has every one,
    // but a per-CPU one declared only in the scheduler's units takes seconds to reach.
    if (btf_)
        if (auto id = btf_->findVariableType(name)) return TypeRef{TypeRef::Source::Btf, *id};
    if (dwarf_)
        if (auto id = dwarf_->findVariableType(name)) return TypeRef{TypeRef::Source::Dwarf, *id};
    return fail(Errc::NoType,
                "no variable '" + std::string(name) + "' in the debug info of " + fileName_);
}

Type TypeGraph::get(TypeRef ref) const {
    const TypeReader* source = reader(ref.source);
    if (!source) return {};
    const auto key = std::make_pair(ref.source, ref.id);
    {
        std::lock_guard lock(mutex_);
        if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    }
    Type type = source->read(ref.id).value_or(Type{});
    std::lock_guard lock(mutex_);
    return cache_.emplace(key, std::move(type)).first->second;
}

TypeRef TypeGraph::stripped(TypeRef ref) const {
    for (int depth = 0; depth < kMaxChain; ++depth) {
        const Type t = get(ref);
        switch (t.kind) {
        case TypeKind::Typedef:
        case TypeKind::Const:
        case TypeKind::Volatile:
        case TypeKind::Restrict:
            ref = t.target;
            continue;
        default:
            return ref;
        }
    }
    return {};
}

uint64_t TypeGraph::sizeOf(TypeRef ref) const {
    uint64_t multiplier = 1;
    for (int depth = 0; depth < kMaxChain; ++depth) {
        const Type t = get(stripped(ref));
        if (t.kind != TypeKind::Array) {
            uint64_t size = 0;
            return __builtin_mul_overflow(multiplier, t.size, &size) ? 0 : size;
        }
        if (!t.count || __builtin_mul_overflow(multiplier, *t.count, &multiplier)) return 0;
        ref = t.target;
    }
    return 0;
}

std::string TypeGraph::baseName(const Type& t) const {
    auto tagged = [&](const char* word) {
        return std::string(word) + (t.name.empty() ? "{...}" : t.name);
    };
    switch (t.kind) {
    case TypeKind::Void:
        return "void";
    case TypeKind::Struct:
        return tagged("struct ");
    case TypeKind::Union:
        return tagged("union ");
    case TypeKind::Enum:
        return tagged("enum ");
    case TypeKind::Integer:
        return canonicalInteger(t.name);
    default:
        return t.name.empty() ? "?" : t.name;
    }
}

// The classic inside-out walk of a C declarator: `inner` is what is declared so far.
std::string TypeGraph::declareAt(TypeRef ref, std::string inner, int depth) const {
    if (depth > kMaxChain) return "? " + inner;
    const Type t = get(ref);
    switch (t.kind) {
    case TypeKind::Pointer: {
        inner = "*" + inner;
        const TypeKind pointee = get(t.target).kind;
        if (pointee == TypeKind::Array || pointee == TypeKind::Function) inner = "(" + inner + ")";
        return declareAt(t.target, std::move(inner), depth + 1);
    }
    case TypeKind::Array:
        inner += "[" + (t.count ? std::to_string(*t.count) : std::string()) + "]";
        return declareAt(t.target, std::move(inner), depth + 1);
    case TypeKind::Function: {
        std::string parameters;
        for (const TypeRef& p : t.parameters) // the depth goes on: a type may name itself
            parameters += (parameters.empty() ? "" : ", ") + declareAt(p, "", depth + 1);
        if (t.variadic) parameters += parameters.empty() ? "..." : ", ...";
        if (parameters.empty()) parameters = "void";
        return declareAt(t.target, inner + "(" + parameters + ")", depth + 1);
    }
    case TypeKind::Const:
    case TypeKind::Volatile:
    case TypeKind::Restrict: {
        const char* word = t.kind == TypeKind::Const      ? "const"
                           : t.kind == TypeKind::Volatile ? "volatile"
                                                          : "restrict";
        // A qualified pointer is qualified after its star: "char *const p".
        if (get(t.target).kind == TypeKind::Pointer)
            return declareAt(t.target, std::string(word) + (inner.empty() ? "" : " ") + inner,
                             depth + 1);
        return std::string(word) + " " + declareAt(t.target, std::move(inner), depth + 1);
    }
    default: {
        std::string base = baseName(t);
        return inner.empty() ? base : base + " " + inner;
    }
    }
}

std::string TypeGraph::nameOf(TypeRef ref) const {
    return declareAt(ref, "", 0);
}

std::string TypeGraph::declare(TypeRef ref, std::string_view declarator) const {
    return declareAt(ref, std::string(declarator), 0);
}

Result<MemberAt> TypeGraph::member(TypeRef aggregate, std::string_view path) const {
    auto noMember = [&] {
        return fail(Errc::NoType, nameOf(aggregate) + " has no member '" + std::string(path) + "'");
    };
    MemberAt at{aggregate, 0, 0};
    for (size_t start = 0;;) {
        const size_t dot = path.find('.', start);
        const std::string_view part = path.substr(start, dot - start);
        const Type outer = get(stripped(at.type));
        if (part.empty() || at.bitSize != 0 ||
            (outer.kind != TypeKind::Struct && outer.kind != TypeKind::Union))
            return noMember();
        // Depth-first through anonymous members, in member order (as the layouts look).
        struct Pending {
            TypeRef aggregate;
            uint64_t bitOffset;
        };
        std::vector<Pending> stack{{stripped(at.type), at.bitOffset}};
        std::optional<MemberAt> found;
        for (size_t visited = 0; !stack.empty() && !found && visited < 4096; ++visited) {
            const Pending p = stack.back();
            stack.pop_back();
            const Type t = get(p.aggregate);
            std::vector<Pending> anonymous;
            for (const Field& f : t.fields) {
                if (f.name == part) {
                    found = MemberAt{f.type, p.bitOffset + f.bitOffset, f.bitSize};
                    break;
                }
                if (f.name.empty())
                    anonymous.push_back({stripped(f.type), p.bitOffset + f.bitOffset});
            }
            stack.insert(stack.end(), anonymous.rbegin(), anonymous.rend());
        }
        if (!found) return noMember();
        at = *found;
        if (dot == std::string_view::npos) return at;
        start = dot + 1;
    }
}

} // namespace panicscope::types
