#include "unwind/stack_depth.h"

#include "unwind/entry_insn.h"
#include "util/hex.h"

#include <map>
#include <vector>

namespace panicscope::unwind {

namespace {

using entry::Insn;
using entry::Op;

// What is known at one instruction: how far sp is below the return address, and where rbp
// points.
struct State {
    enum class Bp : uint8_t { Caller, Frame, Other };
    int64_t depth = 0; // the return address is at sp + depth
    Bp bp = Bp::Caller;
    int64_t bpFrame = 0; // Bp::Frame: rbp = the return address's slot - bpFrame
    std::optional<int64_t>
        bpSlot; // the caller's rbp, pushed at the return address's slot - *bpSlot

    bool operator==(const State&) const = default;
};

// No kernel function keeps more than this on its stack (THREAD_SIZE is 16 KiB).
constexpr int64_t kMaxDepth = 16 * 1024;

bool isReg(const entry::Operand& o, int reg) {
    return o.type == entry::Operand::Type::Reg && o.reg == reg && o.full;
}

struct Effect {
    bool followed = true; // false: the instruction changes sp in a way not followed
    bool endsPath = false;
    std::optional<uint64_t> branch; // another successor inside the function
    std::optional<uint64_t> call;   // a direct call's target (an intra-function call if inside)
};

constexpr Effect kNotFollowed{false, false, std::nullopt, std::nullopt};

// Pops the word at the current depth into rbp (pop %rbp, leave).
void popBp(State& s) {
    s.bp = s.bpSlot && *s.bpSlot == s.depth ? State::Bp::Caller : State::Bp::Other;
    if (s.bp == State::Bp::Caller) s.bpSlot.reset();
    s.depth -= 8;
}

// Applies one instruction to `s`.
Effect apply(const Insn& i, State& s) {
    using entry::kRbp;
    using entry::kRsp;
    const auto& dst = i.ops[0];
    const auto& src = i.ops[1];
    const bool toSp = isReg(dst, kRsp);
    Effect e;
    switch (i.op) {
    case Op::Push:
    case Op::Pushf:
        s.depth += 8;
        if (i.op == Op::Push && isReg(dst, kRbp) && s.bp == State::Bp::Caller) s.bpSlot = s.depth;
        return e;
    case Op::Pop:
        if (toSp) return kNotFollowed;
        if (isReg(dst, kRbp))
            popBp(s);
        else
            s.depth -= 8;
        return e;
    case Op::Popf:
        s.depth -= 8;
        return e;
    case Op::Add:
    case Op::Sub:
        if (!toSp) break;
        if (src.type != entry::Operand::Type::Imm) return kNotFollowed;
        s.depth += i.op == Op::Sub ? src.imm : -src.imm;
        return e;
    case Op::Lea:
        if (!toSp) break;
        if (src.simple && !src.gs && src.base == kRsp)
            s.depth -= src.disp;
        else if (src.simple && !src.gs && src.base == kRbp && s.bp == State::Bp::Frame)
            s.depth = s.bpFrame - src.disp;
        else
            return kNotFollowed;
        return e;
    case Op::Mov:
        if (toSp && isReg(src, kRbp) && s.bp == State::Bp::Frame) {
            s.depth = s.bpFrame;
            return e;
        }
        if (isReg(dst, kRbp) && isReg(src, kRsp)) {
            s.bp = State::Bp::Frame;
            s.bpFrame = s.depth;
            return e;
        }
        break;
    case Op::Leave:
        if (s.bp != State::Bp::Frame) return kNotFollowed;
        s.depth = s.bpFrame;
        popBp(s);
        return e;
    case Op::Call:
        // A call to the next instruction pushes its address; any other returns balanced.
        if (i.hasTarget && i.target == i.address + i.size)
            s.depth += 8;
        else if (i.hasTarget)
            e.call = i.target;
        return e;
    case Op::Jmp:
        e.endsPath = true; // a tail call, or an indirect jump (objtool's sibling call)
        if (i.hasTarget) e.branch = i.target;
        return e;
    case Op::Jcc:
        if (i.hasTarget) e.branch = i.target;
        return e;
    case Op::Ret:
    case Op::Stop:
        e.endsPath = true;
        return e;
    default:
        break;
    }
    if (i.gprWrites & (1u << kRsp)) return kNotFollowed;
    if (i.gprWrites & (1u << kRbp)) s.bp = State::Bp::Other;
    return e;
}

StackDepth unknown(std::string why) {
    StackDepth d;
    d.why = std::move(why);
    return d;
}

} // namespace

StackDepth stackDepthAt(std::string_view code, uint64_t start, uint64_t pc) {
    if (pc < start || pc >= start + code.size()) return unknown("pc is outside the function");
    const uint64_t end = start + code.size();
    entry::Disassembler decoder;
    std::map<uint64_t, State> states{{start, State{}}};
    std::vector<uint64_t> work{start};
    // Each address is decoded once: a second path must bring the same state.
    while (!work.empty()) {
        const uint64_t at = work.back();
        work.pop_back();
        State s = states.at(at);
        const auto insn = decoder.decode(code.substr(at - start), at);
        if (!insn) return unknown("no instruction decodes at " + hex(at));
        const Effect e = apply(*insn, s);
        if (!e.followed)
            return unknown("the stack pointer changes at " + hex(at) +
                           " in a way this does not follow");
        if (s.depth < 0 || s.depth > kMaxDepth)
            return unknown("the stack depth leaves its bounds at " + hex(at));
        if (s.bpSlot && *s.bpSlot > s.depth) s.bpSlot.reset(); // popped off the stack
        std::vector<uint64_t> next;
        if (e.call && *e.call > start && *e.call < end) {
            // A call into the function itself (a retpoline thunk's ANNOTATE_INTRA_FUNCTION_CALL,
            // whose target overwrites the pushed address and returns through it): as objtool
            // sees it, a push and a jump; nothing returns to the instruction after it.
            s.depth += 8;
            next.push_back(*e.call);
        } else {
            if (!e.endsPath) next.push_back(at + insn->size);
            if (e.branch) next.push_back(*e.branch);
        }
        for (const uint64_t to : next) {
            if (to < start || to >= end) continue; // a tail call, or off the end (a noreturn call)
            const auto [it, added] = states.emplace(to, s);
            if (added)
                work.push_back(to);
            else if (it->second != s)
                return unknown("paths reach " + hex(to) + " with different stack states");
        }
    }
    const auto it = states.find(pc);
    if (it == states.end()) return unknown(hex(pc) + " is not reached from the function's entry");
    const State& s = it->second;
    StackDepth out;
    out.returnOffset = static_cast<uint64_t>(s.depth);
    if (s.bp != State::Bp::Caller) {
        if (!s.bpSlot) return unknown("the caller's rbp is not kept at " + hex(pc));
        out.callerBpAtCfa = -8 - *s.bpSlot;
    }
    out.known = true;
    return out;
}

} // namespace panicscope::unwind
