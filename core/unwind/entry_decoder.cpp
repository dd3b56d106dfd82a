#include "unwind/entry_decoder.h"

#include "unwind/entry_insn.h"

#include <algorithm>
#include <array>
#include <compare>
#include <map>
#include <optional>
#include <unordered_map>

namespace panicscope::unwind::entry {

namespace {

constexpr int64_t kIpOffset = 128;     // of pt_regs.ip in struct pt_regs
constexpr int64_t kOrigAxOffset = 120; // of pt_regs.orig_ax
constexpr int64_t kPtRegsSize = 168;
constexpr int kMaxCallDepth = 6;
// rax rcx rdx rsi rdi r8-r11: what a C function may change (System V ABI).
constexpr uint32_t kCallerSaved = 0b0000'1111'1100'0111;

// What a register holds, as far as the stack is concerned.
struct Value {
    enum class Kind : uint8_t {
        Unknown,
        Stack,  // pt_regs of stack `epoch` + offset; epoch 0 is the stack rsp is on, 1 the previous
        PerCpu, // read from per-CPU memory: the top of a stack (+ offset)
        RegsPtr, // a complete pt_regs somewhere (+ offset), as sync_regs returns
    };
    Kind kind = Kind::Unknown;
    uint8_t epoch = 0;
    int64_t offset = 0;

    auto operator<=>(const Value&) const = default;
    bool known() const { return kind != Kind::Unknown; }
    Value plus(int64_t delta) const {
        Value v = *this;
        v.offset += delta;
        return known() ? v : Value{};
    }
};

Value onStack(int64_t offset) {
    return {Value::Kind::Stack, 0, offset};
}

struct Slot {
    uint8_t epoch = 0;
    int64_t offset = 0;
    auto operator<=>(const Slot&) const = default;
};

// The registers and which stack slots hold a saved ip, coordinates normalized so that the pt_regs
// in use (the lowest saved ip at or above rsp) has its ip at offset 128 of epoch 0.
struct State {
    std::array<Value, kGprCount> regs{};
    std::vector<Slot> ips; // sorted
    bool conflict = false; // rsp is unknown because paths met with different ones

    auto operator<=>(const State&) const = default;

    Value& rsp() { return regs[kRsp]; }
    const Value& rsp() const { return regs[kRsp]; }
    bool tracked() const { return rsp().kind == Value::Kind::Stack; }

    bool hasIp(Slot slot) const { return std::binary_search(ips.begin(), ips.end(), slot); }
    void setIp(Slot slot, bool isIp) {
        auto it = std::lower_bound(ips.begin(), ips.end(), slot);
        const bool present = it != ips.end() && *it == slot;
        if (isIp && !present) ips.insert(it, slot);
        if (!isIp && present) ips.erase(it);
    }
    // An 8-byte store into the stack: it holds an ip if copied from one, or if it lands where the
    // pt_regs being built keeps its ip (a syscall building the hardware frame by hand).
    void store(const Value& address, bool copiedIp) {
        if (address.kind != Value::Kind::Stack) return;
        setIp({address.epoch, address.offset},
              copiedIp || (address.epoch == 0 && address.offset == kIpOffset));
    }
    void push(bool copiedIp) {
        if (!tracked()) return;
        rsp().offset -= 8;
        store(rsp(), copiedIp);
    }
    void pushReturnAddress() {
        if (!tracked()) return;
        rsp().offset -= 8;
        setIp({0, rsp().offset}, false);
    }
    void pop() {
        if (tracked()) rsp().offset += 8;
    }

    // rsp moves to another stack: the current one becomes the previous, the previous is forgotten.
    void newEpoch() {
        for (Value& v : regs)
            if (v.kind == Value::Kind::Stack)
                v = v.epoch == 0 ? Value{v.kind, 1, v.offset} : Value{};
        std::erase_if(ips, [](const Slot& s) { return s.epoch != 0; });
        for (Slot& s : ips)
            s.epoch = 1;
    }
    void swapEpochs() {
        for (Value& v : regs)
            if (v.kind == Value::Kind::Stack) v.epoch ^= 1;
        for (Slot& s : ips)
            s.epoch ^= 1;
        std::sort(ips.begin(), ips.end());
    }
    void setRsp(Value v) {
        conflict = false;
        switch (v.kind) {
        case Value::Kind::Stack:
            if (v.epoch == 1) swapEpochs();
            rsp() = onStack(v.offset);
            break;
        case Value::Kind::PerCpu: // the entry code builds its pt_regs right below a stack top
            newEpoch();
            rsp() = onStack(kPtRegsSize + v.offset);
            break;
        case Value::Kind::RegsPtr:
            newEpoch();
            rsp() = onStack(v.offset);
            setIp({0, kIpOffset}, true);
            break;
        case Value::Kind::Unknown:
            rsp() = {};
            break;
        }
    }
    void normalize() {
        if (!tracked()) return;
        auto it = std::lower_bound(ips.begin(), ips.end(), Slot{0, rsp().offset});
        if (it == ips.end() || it->epoch != 0 || it->offset == kIpOffset) return;
        const int64_t delta = it->offset - kIpOffset;
        for (Value& v : regs)
            if (v.kind == Value::Kind::Stack && v.epoch == 0) v.offset -= delta;
        for (Slot& s : ips)
            if (s.epoch == 0) s.offset -= delta;
    }
};

// Where two paths meet: what both agree on. Two pointers to a complete pt_regs (the current one,
// or a copy on another stack) are the same thing to the code that follows (error_entry's return).
State join(const State& a, const State& b) {
    State j;
    const bool complete = a.tracked() && a.rsp().offset <= 0 && b.tracked() && b.rsp().offset <= 0;
    auto sameRegs = [](const Value& regs, const Value& stack) {
        return regs.kind == Value::Kind::RegsPtr && stack.kind == Value::Kind::Stack &&
               stack.epoch == 0 && regs.offset == stack.offset;
    };
    for (int r = 0; r < kGprCount; ++r) {
        const Value &x = a.regs[r], &y = b.regs[r];
        if (x == y)
            j.regs[r] = x;
        else if (complete && sameRegs(x, y))
            j.regs[r] = x;
        else if (complete && sameRegs(y, x))
            j.regs[r] = y;
    }
    std::set_intersection(a.ips.begin(), a.ips.end(), b.ips.begin(), b.ips.end(),
                          std::back_inserter(j.ips));
    j.conflict = j.tracked() ? false : a.conflict || b.conflict || (a.tracked() && b.tracked());
    return j;
}

State entryState(EntryFrame frame) {
    State s;
    switch (frame) {
    case EntryFrame::Iret:
        s.rsp() = onStack(kIpOffset);
        break;
    case EntryFrame::IretErrorCode:
        s.rsp() = onStack(kOrigAxOffset);
        break;
    case EntryFrame::TaskTop:
        s.rsp() = onStack(0);
        break;
    case EntryFrame::None:
        return s;
    }
    s.setIp({0, kIpOffset}, true);
    return s;
}

Value addressOf(const State& s, const Operand& op) {
    if (op.type != Operand::Type::Mem || !op.simple || op.gs || op.base < 0) return {};
    return s.regs[op.base].plus(op.disp);
}

bool isFullReg(const Operand& op) {
    return op.type == Operand::Type::Reg && op.reg >= 0 && op.full;
}

// The effect of an instruction that does not transfer control.
void step(State& s, const Insn& insn) {
    const Operand& dst = insn.ops[0];
    const Operand& src = insn.ops[1];
    switch (insn.op) {
    case Op::Push: {
        const Value from = addressOf(s, dst); // computed with rsp before the push, as the CPU does
        s.push(from.kind == Value::Kind::Stack && s.hasIp({from.epoch, from.offset}));
        return;
    }
    case Op::Pushf:
        s.push(false);
        return;
    case Op::Pop:
        if (dst.type == Operand::Type::Reg && dst.reg == kRsp) {
            s.rsp() = {};
            return;
        }
        s.pop();
        if (dst.type == Operand::Type::Reg && dst.reg >= 0) s.regs[dst.reg] = {};
        return;
    case Op::Popf:
        s.pop();
        return;
    case Op::Mov:
        if (dst.type == Operand::Type::Mem) {
            if (dst.size == 8) s.store(addressOf(s, dst), false);
            return;
        }
        if (dst.type == Operand::Type::Reg && dst.reg >= 0) {
            Value v;
            if (dst.full && isFullReg(src))
                v = s.regs[src.reg];
            else if (dst.full && src.type == Operand::Type::Mem && src.gs)
                v = {Value::Kind::PerCpu, 0, 0};
            if (dst.reg == kRsp)
                s.setRsp(v);
            else
                s.regs[dst.reg] = v;
        }
        return;
    case Op::Lea:
        if (dst.type == Operand::Type::Reg && dst.reg >= 0) {
            const Value v = dst.full ? addressOf(s, src) : Value{};
            if (dst.reg == kRsp)
                s.setRsp(v);
            else
                s.regs[dst.reg] = v;
        }
        return;
    case Op::Add:
    case Op::Sub:
        if (isFullReg(dst) && src.type == Operand::Type::Imm) {
            const int64_t delta = insn.op == Op::Add ? src.imm : -src.imm;
            s.regs[dst.reg] = s.regs[dst.reg].plus(delta);
            return;
        }
        break;
    case Op::Leave: {
        const Value frame = s.regs[kRbp];
        s.setRsp(frame);
        s.pop();
        s.regs[kRbp] = {};
        return;
    }
    default:
        break;
    }
    for (int r = 0; r < kGprCount; ++r)
        if (insn.gprWrites & (1u << r)) s.regs[r] = {};
}

struct Key {
    uint64_t address = 0;
    BoundaryKind kind = BoundaryKind::Exception;
    State state;
    auto operator<=>(const Key&) const = default;
};

struct Candidate {
    uint64_t callAddress = 0, returnAddress = 0, target = 0;
    bool tracked = false;
    bool conflict = false; // not tracked because paths met with different stack pointers
    int64_t rspOffset = 0; // rsp at the call, from pt_regs
    BoundaryKind kind = BoundaryKind::Exception;
    uint64_t function = 0;
    bool patched = false;
};

class Analyzer {
  public:
    explicit Analyzer(const DecoderInput& input) : input_(input) {
        for (const PatchSite& p : input.patchSites)
            patches_.emplace(p.address, &p);
    }

    DecodeResult run() {
        for (const EntryPoint& e : input_.entryPoints)
            analyze({e.address, e.kind, entryState(e.frame)}, 0);
        for (const EntryPoint& e : input_.entryPoints)
            collect({e.address, e.kind, entryState(e.frame)});
        DecodeResult result;
        merge(result);
        reportUnreached();
        for (const auto& [address, reason] : problems_)
            result.problems.push_back({address, reason});
        return result;
    }

  private:
    struct Function {
        std::map<uint64_t, State> in; // the state before each instruction reached
        std::optional<State> exit;    // after its returns, if it returns
        bool done = false;
        int depth = 0;
        std::vector<std::pair<uint64_t, std::string>> problems; // reported if it is entry code
    };

    void problem(uint64_t address, std::string reason) {
        problems_.emplace(address, std::move(reason));
    }

    std::optional<std::string_view> bytesAt(uint64_t address) const {
        for (const CodeRegion& r : input_.regions)
            if (address >= r.address && address - r.address < r.bytes.size())
                return r.bytes.substr(address - r.address);
        return std::nullopt;
    }
    bool inRegion(uint64_t address) const { return bytesAt(address).has_value(); }

    const Insn* insnAt(uint64_t address) {
        auto [it, inserted] = insns_.try_emplace(address);
        if (inserted)
            if (auto bytes = bytesAt(address)) it->second = dis_.decode(*bytes, address);
        return it->second ? &*it->second : nullptr;
    }

    // A C function (or anything outside the decoded code) returns with rsp where it was and the
    // callee-saved registers intact.
    void cCall(State& s, uint64_t target) const {
        for (int r = 0; r < kGprCount; ++r)
            if (kCallerSaved & (1u << r)) s.regs[r] = {};
        if (input_.regsReturning.count(target)) s.regs[kRax] = {Value::Kind::RegsPtr, 0, 0};
    }

    static State calleeState(const State& s) {
        State callee = s;
        callee.pushReturnAddress();
        callee.normalize();
        return callee;
    }

    // The state after `call` returns; nullopt when it does not (or cannot be followed).
    std::optional<State> afterCall(const Insn& call, const State& s, const Key& caller, int depth) {
        if (!call.hasTarget || !inRegion(call.target)) {
            State after = s;
            cCall(after, call.hasTarget ? call.target : 0);
            return after;
        }
        Function& self = functions_.at(caller);
        if (depth >= kMaxCallDepth) {
            self.problems.emplace_back(call.address, "calls nest too deep to follow");
            return std::nullopt;
        }
        const Function& f = analyze({call.target, caller.kind, calleeState(s)}, depth + 1);
        if (!f.done) {
            self.problems.emplace_back(call.address, "recursive call not followed");
            return std::nullopt;
        }
        return f.exit;
    }

    // A callee that returns with the stack pointer where its call found it behaves as an ordinary
    // function (clear_bhb_loop): anything may call it, so its calls tell nothing about pt_regs.
    // The entry helpers return with registers pushed (error_entry) or never (a stack switch).
    bool ordinary(const Key& key) const {
        const Function& f = functions_.at(key);
        return f.exit && f.exit->tracked() && key.state.tracked() &&
               f.exit->rsp().offset == key.state.rsp().offset + 8;
    }

    // Runs an alternative's replacement from `s`; the state at the end of the patched site when
    // it falls through. `record`: collect its calls as calls of `fn`.
    std::optional<State> runPatch(const PatchSite& site, State s, const Key& fn, int depth,
                                  bool record) {
        std::string_view code = site.replacement;
        uint64_t at = site.replacementAddress;
        while (!code.empty()) {
            auto insn = dis_.decode(code, at);
            if (!insn) return std::nullopt;
            const uint64_t runtime = site.address + (at - site.replacementAddress);
            switch (insn->op) {
            case Op::Call: {
                auto after = afterCall(*insn, s, fn, depth);
                if (record) {
                    addCandidate(*insn, runtime, runtime + insn->size, s, fn, true);
                    collectCallee(*insn, s, fn.kind);
                }
                if (!after) return std::nullopt;
                s = *after;
                break;
            }
            case Op::Jmp:
            case Op::Jcc:
            case Op::Ret:
            case Op::Stop:
                return std::nullopt;
            default:
                step(s, *insn);
                break;
            }
            s.normalize();
            code.remove_prefix(insn->size);
            at += insn->size;
        }
        return s;
    }

    const Function& analyze(const Key& key, int depth) {
        auto [it, inserted] = functions_.try_emplace(key);
        Function& f = it->second;
        if (!inserted) return f;
        f.depth = depth;
        std::set<uint64_t> pending;
        auto flow = [&](uint64_t to, State s) {
            if (!inRegion(to)) return;
            s.normalize();
            auto [at, fresh] = f.in.try_emplace(to, s);
            if (!fresh) {
                State joined = join(at->second, s);
                if (joined == at->second) return;
                at->second = std::move(joined);
            }
            pending.insert(to);
        };
        auto leave = [&](State s) { f.exit = f.exit ? join(*f.exit, s) : s; };

        flow(key.address, key.state);
        while (!pending.empty()) {
            const uint64_t address = *pending.begin();
            pending.erase(pending.begin());
            State s = f.in.at(address);
            const Insn* insn = insnAt(address);
            if (!insn) {
                f.problems.emplace_back(address, "cannot decode the instruction here");
                continue;
            }
            for (auto [p, end] = patches_.equal_range(address); p != end; ++p)
                if (auto after = runPatch(*p->second, s, key, depth, false))
                    flow(p->second->address + p->second->length, *after);
            const uint64_t next = address + insn->size;
            switch (insn->op) {
            case Op::Call:
                if (auto after = afterCall(*insn, s, key, depth)) flow(next, *after);
                break;
            case Op::Jmp:
                if (!insn->hasTarget) break; // an indirect jump: not followed
                if (input_.returnThunks.count(insn->target)) {
                    s.pop();
                    leave(s);
                } else if (inRegion(insn->target)) {
                    flow(insn->target, s);
                } else { // a tail call
                    cCall(s, insn->target);
                    s.pop();
                    leave(s);
                }
                break;
            case Op::Jcc:
                if (insn->hasTarget) flow(insn->target, s);
                flow(next, s);
                break;
            case Op::Ret:
                s.pop();
                leave(s);
                break;
            case Op::Stop:
                break;
            default:
                step(s, *insn);
                flow(next, s);
                break;
            }
        }
        f.done = true;
        return f;
    }

    void addCandidate(const Insn& call, uint64_t callAddress, uint64_t returnAddress,
                      const State& s, const Key& fn, bool patched) {
        Candidate c;
        c.callAddress = callAddress;
        c.returnAddress = returnAddress;
        c.target = call.hasTarget ? call.target : 0;
        c.tracked = s.tracked();
        c.conflict = s.conflict;
        c.rspOffset = s.rsp().offset;
        c.kind = fn.kind;
        c.function = fn.address;
        c.patched = patched;
        candidates_.push_back(c);
    }

    void collectCallee(const Insn& call, const State& s, BoundaryKind kind) {
        if (!call.hasTarget || !inRegion(call.target)) return;
        Key callee{call.target, kind, calleeState(s)};
        if (!functions_.count(callee)) return;
        if (ordinary(callee))
            markOrdinary(callee);
        else
            collect(callee);
    }

    void markOrdinary(const Key& key) {
        if (!marked_.insert(key).second) return;
        for (const auto& [address, s] : functions_.at(key).in) {
            ordinaryCode_.insert(address);
            const Insn* insn = insnAt(address);
            if (!insn || insn->op != Op::Call || !insn->hasTarget) continue;
            Key callee{insn->target, key.kind, calleeState(s)};
            if (functions_.count(callee)) markOrdinary(callee);
        }
    }

    // Records the calls of an analysed function and, recursively, of what it calls, with the
    // final states only (the analysis also met states that were joined away later).
    void collect(const Key& key) {
        if (!collected_.insert(key).second) return;
        const Function& f = functions_.at(key);
        for (const auto& [address, reason] : f.problems)
            problem(address, reason);
        for (const auto& [address, s] : f.in) {
            for (auto [p, end] = patches_.equal_range(address); p != end; ++p)
                runPatch(*p->second, s, key, f.depth, true);
            const Insn* insn = insnAt(address);
            if (!insn || insn->op != Op::Call) continue;
            addCandidate(*insn, address, address + insn->size, s, key, false);
            collectCallee(*insn, s, key.kind);
        }
    }

    // One row per return address and callee; a return address reached with different stack
    // states, or with an unknown one, is a problem, not a row.
    void merge(DecodeResult& result) {
        std::map<uint64_t, std::vector<const Candidate*>> byReturn;
        for (const Candidate& c : candidates_)
            byReturn[c.returnAddress].push_back(&c);
        for (const auto& [returnAddress, group] : byReturn) {
            const Candidate& first = *group.front();
            const bool conflict =
                std::any_of(group.begin(), group.end(), [](auto* c) { return c->conflict; }) ||
                !std::all_of(group.begin(), group.end(), [&](auto* c) {
                    return c->rspOffset == first.rspOffset || !c->tracked;
                });
            if (conflict) {
                problem(first.callAddress, "reached with different stack depths above pt_regs "
                                           "(one row cannot describe it)");
                continue;
            }
            if (!std::all_of(group.begin(), group.end(), [](auto* c) { return c->tracked; })) {
                problem(first.callAddress, "the stack pointer is not known at this call");
                continue;
            }
            // A helper shared by entries of several kinds (error_entry, paranoid_entry) is
            // exception entry code; the pt_regs it saved tells the rest.
            const bool sameKind = std::all_of(group.begin(), group.end(),
                                              [&](auto* c) { return c->kind == first.kind; });
            const BoundaryKind kind = sameKind ? first.kind : BoundaryKind::Exception;
            // The function nearest below the call (an entry point may run into another's code).
            uint64_t function = first.function;
            for (const Candidate* c : group)
                if (c->function <= c->callAddress &&
                    (function > c->callAddress || c->function > function))
                    function = c->function;
            std::map<uint64_t, const Candidate*> byTarget;
            for (const Candidate* c : group)
                byTarget.try_emplace(c->target, c);
            for (const auto& [target, c] : byTarget) {
                DecodedCall call;
                call.callAddress = c->callAddress;
                call.returnAddress = returnAddress;
                call.target = target;
                call.ptRegsOffset = -c->rspOffset;
                call.fullRegs = c->rspOffset <= 0;
                call.kind = kind;
                call.function = function;
                call.patched = c->patched;
                result.calls.push_back(call);
            }
            for (const Candidate* c : group)
                reachedCalls_.insert(c->callAddress);
        }
    }

    // Calls in the decoded code that no entry point reaches: reported so that nothing is lost
    // silently (a linear sweep; padding and data between the functions decode as no call).
    void reportUnreached() {
        for (const CodeRegion& r : input_.regions) {
            size_t offset = 0;
            while (offset < r.bytes.size()) {
                auto insn = dis_.decode(r.bytes.substr(offset), r.address + offset);
                if (!insn) {
                    ++offset;
                    continue;
                }
                if (insn->op == Op::Call && !reachedCalls_.count(insn->address) &&
                    !hasProblem(insn->address))
                    problem(insn->address, ordinaryCode_.count(insn->address)
                                               ? std::string(kOrdinaryFunction)
                                               : "no entry point reaches this call");
                offset += insn->size;
            }
        }
    }
    bool hasProblem(uint64_t address) const {
        auto it = problems_.lower_bound({address, std::string()});
        return it != problems_.end() && it->first == address;
    }

    const DecoderInput& input_;
    Disassembler dis_;
    std::multimap<uint64_t, const PatchSite*> patches_;
    std::unordered_map<uint64_t, std::optional<Insn>> insns_;
    std::map<Key, Function> functions_;
    std::set<Key> collected_, marked_;
    std::set<uint64_t> ordinaryCode_;
    std::vector<Candidate> candidates_;
    std::set<uint64_t> reachedCalls_;
    std::set<std::pair<uint64_t, std::string>> problems_;
};

} // namespace

DecodeResult decodeEntryCalls(const DecoderInput& input) {
    return Analyzer(input).run();
}

} // namespace panicscope::unwind::entry
