#include "unwind/stack_walker.h"

#include "unwind/frame_setup.h"
#include "unwind/stack_depth.h"
#include "unwind/unwind_row.h"
#include "util/hex.h"

#include <set>
#include <tl/expected.hpp>

namespace panicscope::unwind {

namespace {

// x86-64's PAGE_SIZE: the vmapped task stack's guard page below it.
constexpr uint64_t kGuardPageSize = 4096;

using arch::RegisterState;
using arch::X86Registers;

// Where the walk is: the current frame's registers (ip and sp always known).
struct WalkState {
    RegisterState regs;
    bool interrupted = false; // ip was interrupted (see codeAddressOf)
    uint64_t record = 0;      // frame-pointer walks: the frame record ip was read from (0: none)

    uint64_t ip() const { return regs.values.ip; }
    uint64_t sp() const { return regs.values.sp; }
    uint64_t bp() const { return regs.values.bp; }
    uint64_t codeAddress() const { return codeAddressOf(ip(), interrupted); }
};

// What one strategy made of the current frame: not its case (Pass), the caller's frame, or why
// the walk ends here.
struct Step {
    enum class Outcome { Pass, Next, Stop };
    Outcome outcome = Outcome::Pass;
    WalkState next;
    FoundBy how = FoundBy::Context;
    std::optional<Boundary> boundary; // the pt_regs crossed on the way to `next`
    StopReason stop;

    static Step pass() { return {}; }
    static Step stopped(StopReason reason) {
        Step s;
        s.outcome = Outcome::Stop;
        s.stop = std::move(reason);
        return s;
    }
    static Step to(WalkState next, FoundBy how, std::optional<Boundary> boundary = {}) {
        Step s;
        s.outcome = Outcome::Next;
        s.next = next;
        s.how = how;
        s.boundary = std::move(boundary);
        return s;
    }
    bool passed() const { return outcome == Outcome::Pass; }
};

Step stop(WalkStatus kind, std::string text, std::optional<uint64_t> address = {}) {
    return Step::stopped({kind, address, std::move(text)});
}

template <class T> using Read = tl::expected<T, StopReason>;

// The caller of the current frame, at return address `ip` with the stack pointer after the
// return: nothing but ip, sp and the frame pointer (unchanged unless a rule restores it) known.
WalkState callerAt(const WalkState& s, uint64_t ip, uint64_t sp) {
    WalkState next;
    next.regs.set(&X86Registers::ip, ip);
    next.regs.set(&X86Registers::sp, sp);
    if (s.regs.has(&X86Registers::bp)) next.regs.set(&X86Registers::bp, s.bp());
    return next;
}

// The interrupted context a pt_regs holds: all of it, or only the hardware's iret frame.
WalkState interruptedAt(const WalkState& s, const X86Registers& r, bool full) {
    WalkState next;
    next.interrupted = true;
    next.regs.values = r;
    next.regs.known = full ? RegisterState::kAll : RegisterState::kIretFrame;
    if (!full) { // the frame pointer is still the one the entry code found
        next.regs.values.bp = 0;
        if (s.regs.has(&X86Registers::bp)) next.regs.set(&X86Registers::bp, s.bp());
    }
    return next;
}

class Walk {
  public:
    Walk(const WalkerContext& c, std::span<const StackRange> stacks) : c_(c), stacks_(stacks) {
        if (const auto* symbols = c.code.vmlinuxSymbols()) {
            const auto* start = symbols->byName("__entry_text_start");
            const auto* end = symbols->byName("__entry_text_end");
            if (start && end) entryText_ = {start->address, end->address};
        }
    }

    StackTrace run(const WalkStart& start) {
        walkFrom(start);
        // A walk that needed the scan is a guess from there on, however it ended.
        if (scanned_ && trace_.stop.kind == WalkStatus::Complete) {
            trace_.stop.kind = WalkStatus::Unreliable;
            trace_.stop.text += " (frames marked scan are guesses: " + scanReason_ + ")";
        }
        // So is one that went on by the frame-pointer chain where a frame may be missing.
        if (!mayMissFrame_.empty() && trace_.stop.kind == WalkStatus::Complete) {
            trace_.stop.kind = WalkStatus::Unreliable;
            trace_.stop.text += " (a frame may be missing: " + mayMissFrame_ +
                                " has no unwind data, and its code does not say where its "
                                "return address is)";
        }
        return std::move(trace_);
    }

  private:
    void walkFrom(const WalkStart& start) {
        WalkState s;
        s.regs.values = start.regs;
        s.regs.known = start.fullRegs ? RegisterState::kAll
                                      : RegisterState::bit(&X86Registers::ip) |
                                            RegisterState::bit(&X86Registers::sp) |
                                            RegisterState::bit(&X86Registers::bp);
        s.interrupted = start.interrupted;
        if (start.fullRegs && start.regs.userMode()) {
            // Stopped in user mode: nothing of the kernel's on this CPU but its registers.
            Frame user = frameAt(s, FoundBy::Context);
            user.boundary = Boundary{BoundaryKind::CpuState, {}, 0, true, start.regs};
            push(std::move(user), true);
            return finish({WalkStatus::Complete, {}, "the CPU was in user mode"});
        }
        FoundBy how = FoundBy::Context;
        std::optional<Boundary> boundary;
        while (true) {
            if (trace_.frames.size() >= kMaxFrames)
                return finish({WalkStatus::TooDeep,
                               {},
                               "more than " + std::to_string(kMaxFrames) + " frames"});
            Frame frame = frameAt(s, how);
            frame.boundary = std::move(boundary);
            boundary.reset();
            if (!seen_.insert({s.ip(), s.sp()}).second)
                return finish({WalkStatus::Loop, s.ip(),
                               "frame " + hex(s.ip()) + " at sp " + hex(s.sp()) + " repeats"});
            push(std::move(frame), false);
            if (s.regs.hasAll() && s.regs.values.userMode() && !trace_.frames.back().boundary)
                return finish({WalkStatus::Complete, {}, "user mode"});
            Step next = step(s);
            if (next.outcome == Step::Outcome::Stop && next.stop.kind == WalkStatus::Unreliable)
                next = scanStep(s, std::move(next));
            if (next.outcome != Step::Outcome::Next) return finish(std::move(next.stop));
            s = next.next;
            how = next.how;
            boundary = std::move(next.boundary);
            if (boundary && boundary->regs.userMode()) {
                // The walk reached the user-mode registers the entry code saved.
                Frame user = frameAt(s, how);
                user.boundary = std::move(boundary);
                push(std::move(user), true);
                return finish({WalkStatus::Complete, {}, "reached user mode"});
            }
        }
    }

    Frame frameAt(const WalkState& s, FoundBy how) const {
        Frame f;
        f.pc = s.ip();
        f.sp = s.sp();
        f.interrupted = s.interrupted;
        f.regs = s.regs;
        f.foundBy = how;
        if (const int i = spStackOf(s.sp()); i >= 0) f.stack = stacks_[static_cast<size_t>(i)];
        return f;
    }

    // Appends a frame, noting where it changed stacks (the user-mode context is on none of ours).
    void push(Frame frame, bool userMode) {
        frame.userMode = userMode;
        if (!userMode)
            for (auto it = trace_.frames.rbegin(); it != trace_.frames.rend(); ++it) {
                if (it->userMode) continue;
                if (!it->stack.name.empty() && it->stack.name != frame.stack.name)
                    frame.stackSwitchFrom = it->stack;
                break;
            }
        trace_.frames.push_back(std::move(frame));
    }

    void finish(StopReason reason) { trace_.stop = std::move(reason); }

    // Where a stack address lives: the index into `stacks_`, or -1.
    int stackOf(uint64_t address, uint64_t size = 8) const {
        for (size_t i = 0; i < stacks_.size(); ++i)
            if (stacks_[i].contains(address, size)) return static_cast<int>(i);
        return -1;
    }

    // The stack a stack pointer is on: as stackOf, and an sp in the guard page below the task
    // stack counts as on it -- an overflow, where the kernel's show_trace_log_lvl() also goes on
    // from the page above. Reads stay on the stacks proper.
    int spStackOf(uint64_t sp) const {
        if (const int i = stackOf(sp); i >= 0) return i;
        return inTaskGuardPage(sp) ? static_cast<int>(taskStack() - stacks_.data()) : -1;
    }

    bool inTaskGuardPage(uint64_t sp) const {
        const StackRange* task = taskStack();
        return task && sp < task->begin && sp >= task->begin - kGuardPageSize;
    }

    // A stack word; outside every known stack or unreadable stops the walk.
    Read<uint64_t> word(uint64_t address) const {
        if (stackOf(address) < 0)
            return tl::unexpected(StopReason{WalkStatus::Unreliable, address,
                                             "address " + hex(address) + " is on no known stack"});
        auto v = c_.memory.readU64(address);
        if (!v)
            return tl::unexpected(StopReason{WalkStatus::Truncated, address, v.error().message});
        return *v;
    }

    // A pt_regs on a known stack (only its iret frame when !full).
    Read<X86Registers> ptRegs(uint64_t address, bool full) const {
        const uint64_t begin = full ? address : address + arch::kIretFrameOffset;
        if (stackOf(begin, address + arch::kPtRegsSize - begin) < 0)
            return tl::unexpected(
                StopReason{WalkStatus::Unreliable, address,
                           "pt_regs at " + hex(address) + " is on no known stack"});
        uint64_t words[arch::kPtRegsCount] = {};
        auto bytes = std::as_writable_bytes(std::span(words));
        auto r = c_.memory.read(begin, bytes.subspan(begin - address));
        if (!r)
            return tl::unexpected(StopReason{WalkStatus::Truncated, address, r.error().message});
        return arch::registersFromPtRegs(words);
    }

    std::string symbolName(uint64_t runtime) const {
        const symbols::Symbol* s = c_.code.find(runtime).function();
        return s ? std::string(s->name) : hex(runtime);
    }

    Step notText(uint64_t ip) const {
        return stop(WalkStatus::Unreliable, hex(ip) + " is not in kernel text", ip);
    }

    // --- the cascade ---------------------------------------------------------------------------

    Step step(const WalkState& s) {
        if (Step e = entryTableStep(s); !e.passed()) return e;
        if (s.interrupted && s.ip() == 0) return calledStep(s);
        if (!c_.code.vmlinuxOrc()) return framePointerKernelStep(s);
        return orcStep(s);
    }

    // A return address into the entry code: the entry-call table says where the pt_regs that
    // code saved lies, relative to the stack pointer after the call. Stack switches are left to
    // the unwind data (they restore a stack pointer, not a register set).
    Step entryTableStep(const WalkState& s) const {
        if (s.interrupted || !c_.entryCalls) return Step::pass();
        // Only the entry text saves pt_regs for its callees; a C function named like entry code
        // (6.12's ret_from_fork, called from ret_from_fork_asm) is unwound like any other.
        const uint64_t link = s.ip() - c_.code.kaslrOffset();
        if (!entryText_ || link < entryText_->first || link >= entryText_->second)
            return Step::pass();
        const EntryCall* call = c_.entryCalls->find(link);
        if (!call || call->kind == BoundaryKind::StackSwitch) return Step::pass();
        Step next = applyRow(s, rowFromEntryCall(*call));
        if (next.outcome != Step::Outcome::Next) return next;
        const X86Registers& r = next.boundary->regs;
        if (call->kind == BoundaryKind::TaskTop && !r.userMode())
            // ret_from_fork of a kernel thread: copy_thread()'s empty regs end the stack.
            return stop(WalkStatus::Complete, "end of the kernel thread's stack");
        next.boundary->entry = call->entrySymbol;
        if (call->kind != BoundaryKind::TaskTop) next.boundary->kind = call->kind;
        if (r.userMode()) return next;
        return progressed(s, std::move(next), "stack pointer");
    }

    // The kernel's ORC data; where it has no rule (code objtool skipped, such as kdump's
    // __crash_kexec, whose _THIS_IP_ is the panic CPU's saved ip) DWARF CFI, else the stack
    // depth the function's code gives there, else the call rule at the first instruction of
    // code without unwind data.
    Step orcStep(const WalkState& s) const {
        const CodeRef here = c_.code.find(s.codeAddress());
        // As the kernel checks __kernel_text_address(): ORC's last row would cover any garbage.
        if (!here.function()) return notText(s.ip());
        const uint64_t lookup = here.tableAddress;
        auto orc = here.orc ? here.orc->find(lookup) : std::nullopt;
        if (!orc || orc->type == OrcType::Undefined) {
            if (!here.inModule())
                if (Step c = cfiStep(s, lookup); !c.passed()) return c;
            if (Step d = stackDepthStep(s); !d.passed()) return d;
            // Stopped at the first instruction of code without unwind data (a retpoline thunk,
            // UNWIND_HINT_UNDEFINED on 6.12): nothing has touched the stack since the call.
            if (s.interrupted && here.function()->address == lookup) return calledStep(s);
            return stop(WalkStatus::Unreliable,
                        orc ? "ORC has no unwind rule for " + symbolName(s.ip())
                            : "no ORC entry for " + hex(s.ip()),
                        s.ip());
        }
        if (orc->type == OrcType::EndOfStack) return stop(WalkStatus::Complete, "end of stack");
        const RowOrProblem converted = rowFromOrc(*orc);
        if (!converted.row)
            return stop(WalkStatus::Unreliable, converted.problem + " at " + symbolName(s.ip()),
                        s.ip());
        Step next = applyRow(s, *converted.row);
        if (next.outcome != Step::Outcome::Next) return next;
        if (next.boundary && next.boundary->regs.userMode()) return next;
        return progressed(s, std::move(next), "stack pointer");
    }

    // A kernel without ORC: frame pointers, and for an interrupted function that may not have
    // built its frame record yet (an NMI at do_syscall_64+0x0) its CFI, exact at every
    // instruction where the chain is not, or for assembly without CFI its decoded code.
    Step framePointerKernelStep(const WalkState& s) {
        if (s.interrupted) {
            if (!c_.code.find(s.ip()).inModule())
                if (Step c = cfiStep(s, s.ip() - c_.code.kaslrOffset()); !c.passed()) return c;
            if (Step p = prologueStep(s); !p.passed()) return p;
        }
        return framePointerStep(s);
    }

    // An interrupted function without unwind data: its code says whether its frame record is
    // built (the chain is right: pass), where its return address is, or nothing -- then the
    // chain goes on but may skip the caller, and the walk will not count as complete.
    Step prologueStep(const WalkState& s) {
        const CodeRef here = c_.code.find(s.ip());
        const symbols::Symbol* fn = here.function();
        if (!fn) return Step::pass(); // the frame-pointer step says it is not text
        const uint64_t start = here.runtimeAddress(*fn);
        FrameSetup setup;
        if (s.ip() == start) {
            setup = frameSetupAt({}, start, start); // nothing ran yet: no code needed
        } else {
            const FunctionCode code = functionCode(here, *fn);
            setup = code.bytes ? frameSetupAt(*code.bytes, start, s.ip()) : FrameSetup{};
            if (!code.bytes) setup.why = code.why;
        }
        if (setup.kind == FrameSetup::Kind::Built) return Step::pass();
        if (setup.kind == FrameSetup::Kind::Unknown) {
            if (mayMissFrame_.empty())
                mayMissFrame_ = std::string(fn->name) + " (" + setup.why + ")";
            return Step::pass();
        }
        Step next = applyRow(s, rowFromFrameSetup(setup));
        if (next.outcome != Step::Outcome::Next) return next;
        next = progressed(s, std::move(next), "stack pointer");
        if (next.outcome != Step::Outcome::Next) return next;
        if (!c_.code.find(next.next.codeAddress()).function()) return notText(next.next.ip());
        return next;
    }

    // A function's code as the dump holds it, for the steps that decode it.
    struct FunctionCode {
        std::optional<std::string> bytes;
        std::string why; // no bytes: why not
    };
    static constexpr uint64_t kMaxFunctionBytes = 16 * 1024;
    FunctionCode functionCode(const CodeRef& here, const symbols::Symbol& fn) const {
        const uint64_t size = fn.size ? fn.size : here.table->kallsymsSize(fn);
        if (size == 0 || size > kMaxFunctionBytes)
            return {std::nullopt, "its size " + hex(size) + " is not one to decode"};
        std::string code(size, '\0');
        if (auto r =
                c_.memory.read(here.runtimeAddress(fn), std::as_writable_bytes(std::span(code)));
            !r)
            return {std::nullopt, "its code cannot be read: " + r.error().message};
        return {std::move(code), {}};
    }

    // A function ORC has no rule for (objtool skipped it) outside the entry code, whose stacks
    // hold pt_regs rather than a caller's frame: where its code, followed from its entry, has
    // left the stack pointer. Passes when the code does not say.
    Step stackDepthStep(const WalkState& s) const {
        const CodeRef here = c_.code.find(s.codeAddress());
        const symbols::Symbol* fn = here.function();
        if (!fn || here.runtimeAddress(*fn) == s.ip()) return Step::pass(); // the call rule's
        const uint64_t link = s.ip() - c_.code.kaslrOffset();
        if (!here.inModule() && entryText_ && link >= entryText_->first &&
            link < entryText_->second)
            return Step::pass();
        const FunctionCode code = functionCode(here, *fn);
        if (!code.bytes) return Step::pass();
        const StackDepth depth = stackDepthAt(*code.bytes, here.runtimeAddress(*fn), s.ip());
        if (!depth.known) return Step::pass();
        Step next = applyRow(s, rowFromStackDepth(depth));
        if (next.outcome != Step::Outcome::Next) return next;
        next = progressed(s, std::move(next), "stack pointer");
        if (next.outcome != Step::Outcome::Next) return next;
        if (!c_.code.find(next.next.codeAddress()).function()) return notText(next.next.ip());
        return next;
    }

    // At a call's target before its first instruction ran: a call through a NULL function
    // pointer (RIP 0, as the kernel's ORC null entry), or the entry of a function without unwind
    // data. The return address is on top of the stack, as ORC's rule at any function's entry
    // (CALL, sp + 8) says.
    Step calledStep(const WalkState& s) const {
        auto ret = word(s.sp());
        if (!ret) return Step::stopped(ret.error());
        WalkState next = callerAt(s, *ret, s.sp() + 8);
        Step moved = progressed(
            s, Step::to(next, c_.code.vmlinuxOrc() ? FoundBy::Orc : FoundBy::FramePointer),
            "stack pointer");
        if (moved.outcome != Step::Outcome::Next) return moved;
        if (!c_.code.find(next.codeAddress()).function()) return notText(next.ip());
        return moved;
    }

    // The compiler's DWARF CFI, where it covers the address.
    Step cfiStep(const WalkState& s, uint64_t linkAddress) const {
        if (!c_.cfi) return Step::pass();
        const auto cfi = c_.cfi(linkAddress);
        const auto row = cfi ? rowFromCfi(*cfi) : std::nullopt;
        if (!row) return Step::pass();
        Step next = applyRow(s, *row);
        if (next.outcome != Step::Outcome::Next) return next;
        if (spStackOf(next.next.sp()) != spStackOf(s.sp()) || next.next.sp() <= s.sp())
            return stop(WalkStatus::Unreliable,
                        "DWARF CFI led off the stack at " + symbolName(next.next.ip()),
                        next.next.ip());
        return next;
    }

    // One step of a frame-pointer kernel, as the kernel's unwind_frame.c does it: the frame
    // record at bp holds the caller's bp and the return address; a bp with its low bit set is an
    // encoded pt_regs pointer (ENCODE_FRAME_POINTER in the entry code); a frame record right
    // below the task's top pt_regs means the syscall regs (or a kernel thread's end) come next,
    // since syscall entry does not encode its regs.
    Step framePointerStep(const WalkState& s) const {
        const StackRange* task = taskStack();
        const uint64_t topRegs = task ? task->end - arch::kPtRegsSize : 0;
        std::optional<uint64_t> regsAddress;
        if (task && (s.record == topRegs - 16 || s.record == topRegs - 8))
            regsAddress = topRegs; // the entry code's own frame: its regs are the task's top
        else if (s.bp() & 1)
            regsAddress = s.bp() & ~uint64_t(1);
        else if (s.bp() == 0)
            return stop(WalkStatus::Complete, "end of the frame-pointer chain");
        Step next;
        if (regsAddress) {
            auto r = ptRegs(*regsAddress, true);
            if (!r) return Step::stopped(r.error());
            if (*regsAddress == topRegs && !r->userMode())
                // copy_thread()'s regs at a kernel thread's top carry nothing to unwind.
                return stop(WalkStatus::Complete, "end of the kernel thread's stack");
            next = Step::to(interruptedAt(s, *r, true), FoundBy::FramePointer,
                            boundaryAt(s.ip(), *regsAddress, true, *r));
            if (r->userMode()) return next;
        } else {
            auto callerBp = word(s.bp());
            if (!callerBp) return Step::stopped(callerBp.error());
            auto ret = word(s.bp() + 8);
            if (!ret) return Step::stopped(ret.error());
            WalkState caller = callerAt(s, *ret, s.bp() + 16);
            caller.record = s.bp();
            caller.regs.set(&X86Registers::bp, *callerBp);
            next = Step::to(caller, FoundBy::FramePointer);
        }
        next = progressed(s, std::move(next), "frame pointer");
        if (next.outcome != Step::Outcome::Next) return next;
        if (!c_.code.find(next.next.codeAddress()).function()) return notText(next.next.ip());
        return next;
    }

    // The last resort when the unwind data gave up: look up the stack, from the last frame's sp
    // and at most kScanWords words on the same stack, for a word that is a return address (it
    // points into code right after a call instruction) and go on from there. At most kMaxScans
    // times per walk; the frames found so are marked, and the walk counts as unreliable.
    static constexpr uint64_t kScanWords = 512;
    static constexpr int kMaxScans = 4;
    Step scanStep(const WalkState& s, Step gaveUp) {
        if (scans_ >= kMaxScans) return gaveUp;
        ++scans_;
        const uint64_t from = s.sp() & ~uint64_t(7);
        const int stack = stackOf(from);
        if (stack < 0) return gaveUp;
        const uint64_t end =
            std::min(stacks_[static_cast<size_t>(stack)].end, from + kScanWords * 8);
        for (uint64_t a = from; a + 8 <= end; a += 8) {
            auto v = c_.memory.readU64(a);
            if (!v) return gaveUp; // the stack's page is missing: nothing to scan
            if (!isReturnAddress(*v) || seen_.count({*v, a + 8})) continue;
            if (!scanned_) scanReason_ = gaveUp.stop.text;
            scanned_ = true;
            return Step::to(callerAt(s, *v, a + 8), FoundBy::Scan);
        }
        return gaveUp;
    }

    // `address` is in a function and right after a call: call rel32 (e8), or an indirect call
    // through a register (ff /2, optionally REX-prefixed) or through memory (ff 15, ff 14 25).
    bool isReturnAddress(uint64_t address) const {
        if (address < 8 || !c_.code.find(address - 1).function()) return false;
        uint8_t b[7];
        if (!c_.memory.read(address - 7, std::as_writable_bytes(std::span(b)))) return false;
        auto callModRm = [](uint8_t modrm) { return (modrm & 0xf8) == 0xd0; }; // mod 3, reg 2
        return b[2] == 0xe8 ||                                                 // e8 rel32
               (b[5] == 0xff && callModRm(b[6])) ||                            // ff d0+r
               (b[4] == 0x41 && b[5] == 0xff && callModRm(b[6])) ||            // 41 ff d0+r
               (b[1] == 0xff && b[2] == 0x15) ||                               // ff 15 rip32
               (b[0] == 0xff && b[1] == 0x14 && b[2] == 0x25);                 // ff 14 25 abs32
    }

    // --- the executor --------------------------------------------------------------------------

    // Applies one unwind row at the current frame: the caller's frame, or the interrupted
    // context and the boundary it crossed. Checks of progress are the strategies'.
    Step applyRow(const WalkState& s, const UnwindRow& row) const {
        auto cfa = cfaOf(s, row);
        if (!cfa) return Step::stopped(cfa.error());
        Step next;
        if (row.kind == UnwindRow::Kind::Call) {
            auto ret = word(*cfa + row.returnAddressOffset);
            if (!ret) return Step::stopped(ret.error());
            next = Step::to(callerAt(s, *ret, *cfa), row.source);
        } else {
            const bool full = row.kind == UnwindRow::Kind::PtRegs;
            const uint64_t regsAddress = *cfa + row.regsOffset;
            auto r = ptRegs(regsAddress, full);
            if (!r) return Step::stopped(r.error());
            next = Step::to(interruptedAt(s, *r, full), row.source,
                            boundaryAt(s.ip(), regsAddress, full, *r));
        }
        if (row.bp.kind != SavedRule::Kind::Same) {
            const uint64_t at = (row.bp.kind == SavedRule::Kind::AtCfa ? *cfa : s.bp()) +
                                static_cast<uint64_t>(row.bp.offset);
            auto bp = word(at);
            if (!bp) return Step::stopped(bp.error());
            next.next.regs.set(&X86Registers::bp, *bp);
        }
        return next;
    }

    Read<uint64_t> cfaOf(const WalkState& s, const UnwindRow& row) const {
        const auto offset = static_cast<uint64_t>(row.cfaOffset);
        switch (row.cfa) {
        case CfaRule::SpPlus:
            return s.sp() + offset;
        case CfaRule::BpPlus:
            return s.bp() + offset;
        case CfaRule::AtSpPlus: {
            auto v = word(s.sp());
            if (!v) return v;
            return *v + offset;
        }
        case CfaRule::AtBpPlus:
            return word(s.bp() + offset);
        case CfaRule::RegisterSet:
            // Only ORC names a register the interrupted context saved.
            if (!s.regs.has(row.cfaRegister))
                return tl::unexpected(
                    StopReason{WalkStatus::Unreliable, s.ip(),
                               "ORC needs a saved register at " + symbolName(s.ip())});
            return s.regs.values.*row.cfaRegister;
        }
        return tl::unexpected(StopReason{WalkStatus::Unreliable, s.ip(), "unknown CFA rule"});
    }

    // The pt_regs the code at `ip` saved: a boundary named after that entry code.
    Boundary boundaryAt(uint64_t ip, uint64_t regsAddress, bool full,
                        const X86Registers& regs) const {
        Boundary b;
        b.entry = symbolName(ip);
        b.kind = boundaryKindOfEntry(b.entry);
        b.regsAddress = regsAddress;
        b.fullRegs = full;
        b.regs = regs;
        return b;
    }

    // After a step: the new sp must be on a known stack, and above the old one on the same stack.
    Step progressed(const WalkState& prev, Step next, const char* pointer) const {
        const uint64_t sp = next.next.sp();
        const int nextStack = spStackOf(sp);
        if (nextStack < 0)
            return stop(WalkStatus::Unreliable,
                        "stack pointer " + hex(sp) + " is on no known stack", sp);
        if (next.boundary && inTaskGuardPage(sp)) next.boundary->stackOverflow = true;
        if (nextStack == spStackOf(prev.sp()) && sp <= prev.sp())
            return stop(WalkStatus::Loop,
                        std::string("the ") + pointer + " went down at " +
                            symbolName(next.next.ip()),
                        next.next.ip());
        return next;
    }

    const StackRange* taskStack() const {
        for (const auto& s : stacks_)
            if (s.kind == StackKind::Task) return &s;
        return nullptr;
    }

    const WalkerContext& c_;
    std::span<const StackRange> stacks_;
    std::optional<std::pair<uint64_t, uint64_t>> entryText_; // link-time [start, end)
    int scans_ = 0;
    bool scanned_ = false;
    std::string scanReason_;   // why the walk needed its first scan
    std::string mayMissFrame_; // the first function the walk could not step out of for sure
    std::set<std::pair<uint64_t, uint64_t>> seen_;
    StackTrace trace_;
};

} // namespace

StackTrace walkStack(const WalkerContext& context, const WalkStart& start,
                     std::span<const StackRange> stacks) {
    return Walk(context, stacks).run(start);
}

} // namespace panicscope::unwind
