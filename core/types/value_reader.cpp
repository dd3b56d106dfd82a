#include "types/value_reader.h"

#include "util/hex.h"

#include <cstring>

namespace panicscope::types {

namespace {

using Kind = Value::Kind;

class ValueBuilder {
  public:
    ValueBuilder(const TypeGraph& graph, const dump::MemoryBlock& block, const NameCode& nameCode,
                 const ValueLimits& limits)
        : graph_(graph), block_(block), nameCode_(nameCode), limits_(limits) {}

    // `bitShift` and `bitSize` place a bit-field within the bytes at `address`.
    Value build(TypeRef type, uint64_t address, unsigned bitShift, uint32_t bitSize,
                std::string name, int depth) {
        Value v;
        v.name = std::move(name);
        v.type = graph_.nameOf(type);
        v.address = address;
        v.bitSize = bitSize;
        if (++count_ > limits_.maxValues || depth > limits_.maxDepth) {
            v.text = "<...>"; // the print limit
            return v;
        }
        const Type t = graph_.get(graph_.stripped(type));
        switch (t.kind) {
        case TypeKind::Integer:
        case TypeKind::Enum:
        case TypeKind::Pointer:
            scalar(v, t, bitShift, bitSize);
            break;
        case TypeKind::Float:
            floating(v, t);
            break;
        case TypeKind::Array:
            array(v, t, depth);
            break;
        case TypeKind::Struct:
        case TypeKind::Union:
            aggregate(v, t, depth);
            break;
        default:
            v.text = t.declaration ? "<incomplete type>" : "<no value>";
            break;
        }
        return v;
    }

  private:
    bool missing(Value& v, uint64_t length) {
        if (block_.present(v.address, length)) return false;
        v.kind = Kind::Missing;
        v.text = "<not in dump>";
        return true;
    }
    const uint8_t* bytesAt(uint64_t address) const {
        return block_.bytes.data() + (address - block_.address);
    }

    void scalar(Value& v, const Type& t, unsigned shift, uint32_t bitSize) {
        const uint64_t size = t.kind == TypeKind::Pointer ? 8 : t.size;
        if (size == 0 || size > 8 || bitSize > 64) {
            v.text = "<" + std::to_string(size) + "-byte integer>";
            return;
        }
        const uint64_t length = bitSize ? (shift + bitSize + 7) / 8 : size;
        if (missing(v, length)) return;
        const uint8_t* p = bytesAt(v.address);
        const unsigned width = bitSize ? bitSize : unsigned(size * 8);
        uint64_t raw = 0;
        for (unsigned bit = 0; bit < width; ++bit) // little-endian, from the lowest bit
            raw |= uint64_t((p[(shift + bit) / 8] >> ((shift + bit) % 8)) & 1) << bit;
        const bool negative = t.isSigned && width < 65 && ((raw >> (width - 1)) & 1);
        const int64_t value =
            negative && width < 64 ? int64_t(raw | (~uint64_t(0) << width)) : int64_t(raw);
        if (t.kind == TypeKind::Pointer) {
            v.kind = Kind::Pointer;
            v.unsignedValue = raw;
            v.text = hex(raw);
            if (graph_.get(graph_.stripped(t.target)).kind == TypeKind::Function && raw &&
                nameCode_)
                if (auto name = nameCode_(raw)) v.text += " <" + *name + ">";
            return;
        }
        if (t.kind == TypeKind::Enum) {
            v.kind = Kind::Enum;
            if (negative)
                v.signedValue = value;
            else
                v.unsignedValue = raw;
            for (const auto& e : t.enumerators)
                if (e.value == (t.isSigned ? value : int64_t(raw))) {
                    v.text = e.name;
                    return;
                }
            v.text = negative ? std::to_string(value) : std::to_string(raw);
            return;
        }
        if (t.isBool) {
            v.kind = Kind::Bool;
            v.unsignedValue = raw;
            v.text = raw == 0 ? "false" : raw == 1 ? "true" : std::to_string(raw);
            return;
        }
        v.kind = Kind::Integer;
        if (t.isSigned)
            v.signedValue = value;
        else
            v.unsignedValue = raw;
        v.text = t.isSigned ? std::to_string(value) : std::to_string(raw);
        if (t.isChar && size == 1 && bitSize == 0) // as gdb prints a char: 99 'c'
            v.text += " '" + escapeString(std::string(1, char(raw))) + "'";
    }

    void floating(Value& v, const Type& t) {
        if (t.size != 4 && t.size != 8) {
            v.text = "<" + std::to_string(t.size) + "-byte float>";
            return;
        }
        if (missing(v, t.size)) return;
        v.kind = Kind::Float;
        if (t.size == 4) {
            float f;
            std::memcpy(&f, bytesAt(v.address), 4);
            v.floatValue = f;
        } else {
            double d;
            std::memcpy(&d, bytesAt(v.address), 8);
            v.floatValue = d;
        }
        v.text = std::to_string(*v.floatValue);
    }

    void array(Value& v, const Type& t, int depth) {
        const uint64_t count = t.count.value_or(0);
        const uint64_t elementSize = graph_.sizeOf(t.target);
        const Type element = graph_.get(graph_.stripped(t.target));
        if (element.kind == TypeKind::Integer && element.isChar && element.size == 1) {
            if (missing(v, count)) return;
            const auto* p = reinterpret_cast<const char*>(bytesAt(v.address));
            v.kind = Kind::String;
            v.text = escapeString(std::string_view(p, strnlen(p, count)));
            return;
        }
        v.kind = Kind::Array;
        if (elementSize == 0) {
            v.omitted = count;
            return;
        }
        const uint64_t shown = std::min(count, limits_.maxArrayElements);
        v.omitted = count - shown;
        for (uint64_t i = 0; i < shown; ++i)
            v.children.push_back(build(t.target, v.address + i * elementSize, 0, 0, {}, depth + 1));
    }

    void aggregate(Value& v, const Type& t, int depth) {
        if (t.declaration) {
            v.text = "<incomplete type>";
            return;
        }
        v.kind = t.kind == TypeKind::Struct ? Kind::Struct : Kind::Union;
        for (const Field& f : t.fields)
            v.children.push_back(build(f.type, v.address + f.bitOffset / 8,
                                       unsigned(f.bitOffset % 8), f.bitSize, f.name, depth + 1));
    }

    const TypeGraph& graph_;
    const dump::MemoryBlock& block_;
    const NameCode& nameCode_;
    const ValueLimits& limits_;
    uint64_t count_ = 0;
};

} // namespace

Value readValue(const TypeGraph& graph, TypeRef type, uint64_t address,
                const dump::MemoryBlock& block, const NameCode& nameCode, std::string name,
                const ValueLimits& limits) {
    return ValueBuilder(graph, block, nameCode, limits)
        .build(type, address, 0, 0, std::move(name), 0);
}

Value readMember(const TypeGraph& graph, const MemberAt& member, uint64_t object,
                 const dump::MemoryBlock& block, const NameCode& nameCode, std::string name,
                 const ValueLimits& limits) {
    return ValueBuilder(graph, block, nameCode, limits)
        .build(member.type, object + member.bitOffset / 8, unsigned(member.bitOffset % 8),
               member.bitSize, std::move(name), 0);
}

std::string escapeString(std::string_view bytes) {
    std::string out;
    for (const char c : bytes) {
        switch (c) {
        case '"':
            out += "\\\"";
            continue;
        case '\\':
            out += "\\\\";
            continue;
        case '\n':
            out += "\\n";
            continue;
        case '\t':
            out += "\\t";
            continue;
        default:
            break;
        }
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f) {
            out += c;
        } else {
            const char octal[] = {'\\', char('0' + (u >> 6)), char('0' + ((u >> 3) & 7)),
                                  char('0' + (u & 7)), 0};
            out += octal;
        }
    }
    return out;
}

} // namespace panicscope::types
