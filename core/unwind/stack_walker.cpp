#include "unwind/stack_walker.h"

#include "util/hex.h"

#include <cstring>
#include <set>

namespace panicscope::unwind {

namespace {

constexpr uint64_t kPtRegsSize = 21 * 8;
constexpr uint64_t kIretFrameOffset = 16 * 8; // offsetof(struct pt_regs, ip)

arch::X86Registers regsFromWords(const uint64_t* w) {
    arch::X86Registers r;
    uint64_t* fields[] = {&r.r15, &r.r14,     &r.r13, &r.r12, &r.bp,    &r.bx, &r.r11,
                          &r.r10, &r.r9,      &r.r8,  &r.ax,  &r.cx,    &r.dx, &r.si,
                          &r.di,  &r.orig_ax, &r.ip,  &r.cs,  &r.flags, &r.sp, &r.ss};
    for (size_t i = 0; i < 21; ++i)
        *fields[i] = w[i];
    return r;
}

bool userMode(const arch::X86Registers& r) {
    return (r.cs & 3) != 0;
}

// Where a stack address lives; the index into `stacks`, or -1.
int stackOf(std::span<const StackRange> stacks, uint64_t address, uint64_t size = 8) {
    for (size_t i = 0; i < stacks.size(); ++i)
        if (stacks[i].contains(address, size)) return static_cast<int>(i);
    return -1;
}

class Walk {
  public:
    Walk(const WalkerContext& c, std::span<const StackRange> stacks) : c_(c), stacks_(stacks) {
        const auto* start = c.symbols.byName("__entry_text_start");
        const auto* end = c.symbols.byName("__entry_text_end");
        if (start && end) entryText_ = {start->address, end->address};
    }

    StackTrace run(const WalkStart& start) {
        walkFrom(start);
        // A walk that needed the scan is a guess from there on, however it ended.
        if (scanned_ && trace_.status == WalkStatus::Complete) {
            trace_.status = WalkStatus::Unreliable;
            trace_.reason += " (frames marked scan are guesses: " + scanReason_ + ")";
        }
        return std::move(trace_);
    }

  private:
    void walkFrom(const WalkStart& start) {
        ip_ = start.regs.ip;
        sp_ = start.regs.sp;
        bp_ = start.regs.bp;
        signal_ = start.interrupted;
        if (start.fullRegs) regs_ = start.regs;
        fullRegs_ = start.fullRegs;
        FoundBy how = FoundBy::Context;
        std::optional<Boundary> boundary;
        if (start.fullRegs && userMode(start.regs)) {
            // Stopped in user mode: nothing of the kernel's on this CPU.
            Frame f = frameHere(how);
            f.userMode = true;
            trace_.frames.push_back(f);
            return finish(WalkStatus::Complete, "the CPU was in user mode");
        }
        while (true) {
            if (trace_.frames.size() >= kMaxFrames)
                return finish(WalkStatus::TooDeep,
                              "more than " + std::to_string(kMaxFrames) + " frames");
            Frame frame = frameHere(how);
            frame.boundary = std::move(boundary);
            boundary.reset();
            if (!seen_.insert({ip_, sp_}).second)
                return finish(WalkStatus::Loop,
                              "frame " + hex(ip_) + " at sp " + hex(sp_) + " repeats");
            trace_.frames.push_back(frame);
            if (regs_ && fullRegs_ && userMode(*regs_) && !trace_.frames.back().boundary)
                return finish(WalkStatus::Complete, "user mode");
            auto next = step(boundary);
            if (!next && trace_.status == WalkStatus::Unreliable) next = scanStep();
            if (!next) return;
            how = *next;
            if (boundary && userMode(boundary->regs)) {
                // The walk reached the user-mode registers the entry code saved.
                Frame user = frameHere(how);
                user.boundary = std::move(boundary);
                user.userMode = true;
                trace_.frames.push_back(user);
                return finish(WalkStatus::Complete, "reached user mode");
            }
        }
    }

    Frame frameHere(FoundBy how) const {
        Frame f;
        f.pc = ip_;
        f.sp = sp_;
        f.interrupted = signal_;
        f.foundBy = how;
        const int s = stackOf(stacks_, sp_);
        f.stack = s >= 0 ? stacks_[static_cast<size_t>(s)].kind : StackKind::Unknown;
        if (s >= 0) f.stackName = stacks_[static_cast<size_t>(s)].name;
        return f;
    }

    void finish(WalkStatus status, std::string reason) {
        trace_.status = status;
        trace_.reason = std::move(reason);
        done_ = true;
    }

    // Reads a stack word; fails the walk when it is outside every known stack or unreadable.
    std::optional<uint64_t> word(uint64_t address) {
        if (stackOf(stacks_, address) < 0) {
            finish(WalkStatus::Unreliable, "address " + hex(address) + " is on no known stack");
            return std::nullopt;
        }
        auto v = c_.memory.readU64(address);
        if (!v) {
            finish(WalkStatus::Truncated, v.error().message);
            return std::nullopt;
        }
        return *v;
    }

    std::optional<arch::X86Registers> ptRegs(uint64_t address, bool full) {
        const uint64_t begin = full ? address : address + kIretFrameOffset;
        if (stackOf(stacks_, begin, address + kPtRegsSize - begin) < 0) {
            finish(WalkStatus::Unreliable, "pt_regs at " + hex(address) + " is on no known stack");
            return std::nullopt;
        }
        uint64_t words[21] = {};
        auto bytes = std::as_writable_bytes(std::span(words));
        auto r = c_.memory.read(begin, bytes.subspan(begin - address));
        if (!r) {
            finish(WalkStatus::Truncated, r.error().message);
            return std::nullopt;
        }
        return regsFromWords(words);
    }

    // The code at a runtime address: a module's (their ranges are exact, so they go first) or
    // the kernel's. `function` is null outside any function.
    struct Code {
        const symbols::Symbol* function = nullptr;
        const OrcTable* orc = nullptr;
        uint64_t orcAddress = 0; // the address to look up in `orc`
        bool inModule = false;
    };
    Code code(uint64_t runtime) const {
        for (const auto& m : c_.modules)
            if (m.contains(runtime)) {
                const symbols::Symbol* s = m.symbols.containing(runtime);
                return {s && s->isFunction ? s : nullptr, &m.orc, runtime, true};
            }
        const symbols::Symbol* s = c_.symbols.containing(runtime - c_.kaslrOffset);
        return {s && s->isFunction ? s : nullptr, c_.orc, runtime - c_.kaslrOffset, false};
    }

    std::string symbolName(uint64_t runtime) const {
        const symbols::Symbol* s = code(runtime).function;
        return s ? std::string(s->name) : hex(runtime);
    }

    // One ORC step from (ip_, sp_, bp_). Returns how the next frame was found, or nullopt when
    // the walk ended (trace_ then has the status).
    std::optional<FoundBy> step(std::optional<Boundary>& boundary) {
        if (auto how = entryTableStep(boundary)) return how;
        if (done_) return std::nullopt;
        if (signal_ && ip_ == 0) return calledStep();
        if (!c_.orc) {
            // An interrupted function may not have built its frame record yet (an NMI at
            // do_syscall_64+0x0): its CFI is exact at every instruction, the chain is not.
            if (signal_ && !code(ip_).inModule)
                if (auto how = cfiStep(ip_ - c_.kaslrOffset)) return how;
            if (done_) return std::nullopt;
            return framePointerStep(boundary);
        }
        const Code here = code(signal_ ? ip_ : ip_ - 1);
        const uint64_t lookup = here.orcAddress;
        // As the kernel checks __kernel_text_address(): ORC's last row would cover any garbage.
        if (!here.function) {
            finish(WalkStatus::Unreliable, hex(ip_) + " is not in kernel text");
            return std::nullopt;
        }
        auto orc = here.orc ? here.orc->find(lookup) : std::nullopt;
        if (!orc || orc->type == OrcType::Undefined) {
            if (!here.inModule)
                if (auto how = cfiStep(lookup)) return how;
            if (trace_.status != WalkStatus::Complete) return std::nullopt;
            // Stopped at the first instruction of code without unwind data (a retpoline thunk,
            // UNWIND_HINT_UNDEFINED on 6.12): nothing has touched the stack since the call.
            if (signal_ && here.function->address == lookup) return calledStep();
            finish(WalkStatus::Unreliable, orc ? "ORC has no unwind rule for " + symbolName(ip_)
                                               : "no ORC entry for " + hex(ip_));
            return std::nullopt;
        }
        if (orc->type == OrcType::EndOfStack) {
            finish(WalkStatus::Complete, "end of stack");
            return std::nullopt;
        }
        const uint64_t prevSp = sp_;
        const int prevStack = stackOf(stacks_, sp_);
        uint64_t sp = 0;
        auto savedReg = [&](uint64_t arch::X86Registers::*field) -> std::optional<uint64_t> {
            if (!regs_ || !fullRegs_) {
                finish(WalkStatus::Unreliable, "ORC needs a saved register at " + symbolName(ip_));
                return std::nullopt;
            }
            return (*regs_).*field;
        };
        std::optional<uint64_t> base;
        switch (orc->spReg) {
        case OrcReg::Sp:
        case OrcReg::SpIndirect:
            base = sp_;
            break;
        case OrcReg::Bp:
        case OrcReg::BpIndirect:
            base = bp_;
            break;
        case OrcReg::R10:
            base = savedReg(&arch::X86Registers::r10);
            break;
        case OrcReg::R13:
            base = savedReg(&arch::X86Registers::r13);
            break;
        case OrcReg::Di:
            base = savedReg(&arch::X86Registers::di);
            break;
        case OrcReg::Dx:
            base = savedReg(&arch::X86Registers::dx);
            break;
        default:
            finish(WalkStatus::Unreliable,
                   "ORC uses an unknown base register at " + symbolName(ip_));
            return std::nullopt;
        }
        if (!base) return std::nullopt;
        const bool registerBase = orc->spReg == OrcReg::R10 || orc->spReg == OrcReg::R13 ||
                                  orc->spReg == OrcReg::Di || orc->spReg == OrcReg::Dx;
        // Since 5.13, SP_INDIRECT is (%rsp) + offset (the IRQ-stack switch stores the old sp at
        // the new stack's top); BP_INDIRECT stays (%rbp + offset).
        if (orc->spReg == OrcReg::SpIndirect) {
            auto deref = word(*base);
            if (!deref) return std::nullopt;
            sp = *deref + static_cast<int64_t>(orc->spOffset);
        } else if (orc->spReg == OrcReg::BpIndirect) {
            auto deref = word(*base + static_cast<int64_t>(orc->spOffset));
            if (!deref) return std::nullopt;
            sp = *deref;
        } else {
            sp = registerBase ? *base : *base + static_cast<int64_t>(orc->spOffset);
        }

        std::optional<arch::X86Registers> newRegs;
        bool newFull = false;
        switch (orc->type) {
        case OrcType::Call: {
            auto ret = word(sp - 8);
            if (!ret) return std::nullopt;
            ip_ = *ret;
            sp_ = sp;
            signal_ = false;
            break;
        }
        case OrcType::Regs:
        case OrcType::RegsPartial: {
            const bool full = orc->type == OrcType::Regs;
            const uint64_t regsAddress = full ? sp : sp - kIretFrameOffset;
            auto r = ptRegs(regsAddress, full);
            if (!r) return std::nullopt;
            boundary = boundaryHere(regsAddress, full, *r);
            newRegs = *r;
            newFull = full;
            ip_ = r->ip;
            sp_ = r->sp;
            signal_ = true;
            break;
        }
        default:
            break;
        }
        switch (orc->bpReg) {
        case OrcReg::Undefined:
            if (newRegs && newFull) bp_ = newRegs->bp;
            break;
        case OrcReg::PrevSp: {
            auto v = word(sp + static_cast<int64_t>(orc->bpOffset));
            if (!v) return std::nullopt;
            bp_ = *v;
            break;
        }
        case OrcReg::Bp: {
            auto v = word(bp_ + static_cast<int64_t>(orc->bpOffset));
            if (!v) return std::nullopt;
            bp_ = *v;
            break;
        }
        default:
            finish(WalkStatus::Unreliable,
                   "ORC uses an unknown frame-pointer rule at " + symbolName(ip_));
            return std::nullopt;
        }
        regs_ = newRegs;
        fullRegs_ = newFull;
        if (boundary && userMode(boundary->regs)) return FoundBy::Orc;
        if (!progressed(prevStack, prevSp, "stack pointer")) return std::nullopt;
        return FoundBy::Orc;
    }

    // A return address into the entry code: the entry-call table says where the pt_regs that
    // code saved lies, relative to the stack pointer after the call. Stack switches are left to
    // the unwind data (they restore a stack pointer, not a register set). nullopt with no
    // status set when the address is not in the table.
    std::optional<FoundBy> entryTableStep(std::optional<Boundary>& boundary) {
        if (signal_ || !c_.entryCalls) return std::nullopt;
        // Only the entry text saves pt_regs for its callees; a C function named like entry code
        // (6.12's ret_from_fork, called from ret_from_fork_asm) is unwound like any other.
        const uint64_t link = ip_ - c_.kaslrOffset;
        if (!entryText_ || link < entryText_->first || link >= entryText_->second)
            return std::nullopt;
        const EntryCall* row = c_.entryCalls->find(link);
        if (!row || row->kind == BoundaryKind::StackSwitch) return std::nullopt;
        const int prevStack = stackOf(stacks_, sp_);
        const uint64_t prevSp = sp_;
        const uint64_t regsAddress = sp_ + row->ptRegsOffset;
        auto r = ptRegs(regsAddress, row->fullRegs);
        if (!r) return std::nullopt;
        if (row->kind == BoundaryKind::User && !userMode(*r)) {
            // ret_from_fork of a kernel thread: copy_thread()'s empty regs end the stack.
            finish(WalkStatus::Complete, "end of the kernel thread's stack");
            return std::nullopt;
        }
        boundary = boundaryHere(regsAddress, row->fullRegs, *r);
        boundary->entry = row->entrySymbol;
        if (row->kind != BoundaryKind::User) boundary->kind = row->kind;
        regs_ = *r;
        fullRegs_ = row->fullRegs;
        ip_ = r->ip;
        sp_ = r->sp;
        if (row->fullRegs) bp_ = r->bp;
        signal_ = true;
        record_ = 0;
        if (userMode(*r)) return FoundBy::EntryTable;
        if (!progressed(prevStack, prevSp, "stack pointer")) return std::nullopt;
        return FoundBy::EntryTable;
    }

    // Continues in the caller of the current frame: at return address `ip`, with the stack
    // pointer after the return; nothing but bp is known of its registers.
    void toCaller(uint64_t ip, uint64_t sp) {
        ip_ = ip;
        sp_ = sp;
        signal_ = false;
        regs_.reset();
        fullRegs_ = false;
        record_ = 0;
    }

    // Interrupted at address 0: a call through a NULL function pointer faulted on its first
    // fetch, so the call's return address is still on top of the stack (the kernel's ORC
    // unwinder has the same rule, null_orc_entry).
    // At a call's target before its first instruction ran: a call through a NULL function
    // pointer (RIP 0, as the kernel's ORC null entry), or the entry of a function without unwind
    // data. The return address is on top of the stack, as ORC's rule at any function's entry
    // (CALL, sp + 8) says.
    std::optional<FoundBy> calledStep() {
        const int prevStack = stackOf(stacks_, sp_);
        const uint64_t prevSp = sp_;
        auto ret = word(sp_);
        if (!ret) return std::nullopt;
        toCaller(*ret, sp_ + 8);
        if (!progressed(prevStack, prevSp, "stack pointer")) return std::nullopt;
        if (!code(ip_ - 1).function) {
            finish(WalkStatus::Unreliable, hex(ip_) + " is not in kernel text");
            return std::nullopt;
        }
        return c_.orc ? FoundBy::Orc : FoundBy::FramePointer;
    }

    // The last resort when the unwind data gave up: look up the stack, from the last frame's sp
    // and at most kScanWords words on the same stack, for a word that is a return address (it
    // points into code right after a call instruction) and go on from there. At most kMaxScans
    // times per walk; the frames found so are marked, and the walk counts as unreliable.
    static constexpr uint64_t kScanWords = 512;
    static constexpr int kMaxScans = 4;
    std::optional<FoundBy> scanStep() {
        if (scans_ >= kMaxScans || trace_.frames.empty()) return std::nullopt;
        ++scans_;
        const uint64_t from = trace_.frames.back().sp & ~uint64_t(7);
        const int stack = stackOf(stacks_, from);
        if (stack < 0) return std::nullopt;
        const uint64_t end =
            std::min(stacks_[static_cast<size_t>(stack)].end, from + kScanWords * 8);
        for (uint64_t a = from; a + 8 <= end; a += 8) {
            auto v = c_.memory.readU64(a);
            if (!v) return std::nullopt; // the stack's page is missing: nothing to scan
            if (!isReturnAddress(*v) || seen_.count({*v, a + 8})) continue;
            if (!scanned_) scanReason_ = trace_.reason;
            scanned_ = true;
            trace_.status = WalkStatus::Complete;
            trace_.reason.clear();
            done_ = false;
            toCaller(*v, a + 8);
            return FoundBy::Scan;
        }
        return std::nullopt;
    }

    // `address` is in a function and right after a call: call rel32 (e8), or an indirect call
    // through a register (ff /2, optionally REX-prefixed) or through memory (ff 15, ff 14 25).
    bool isReturnAddress(uint64_t address) const {
        if (address < 8 || !code(address - 1).function) return false;
        uint8_t b[7];
        if (!c_.memory.read(address - 7, std::as_writable_bytes(std::span(b)))) return false;
        auto callModRm = [](uint8_t modrm) { return (modrm & 0xf8) == 0xd0; }; // mod 3, reg 2
        return b[2] == 0xe8 ||                                                 // e8 rel32
               (b[5] == 0xff && callModRm(b[6])) ||                            // ff d0+r
               (b[4] == 0x41 && b[5] == 0xff && callModRm(b[6])) ||            // 41 ff d0+r
               (b[1] == 0xff && b[2] == 0x15) ||                               // ff 15 rip32
               (b[0] == 0xff && b[1] == 0x14 && b[2] == 0x25);                 // ff 14 25 abs32
    }

    // One step by the compiler's DWARF CFI: CFA = rsp or rbp + offset, the return address and
    // the caller's rbp saved at CFA + offset. nullopt when the CFI does not cover the address.
    std::optional<FoundBy> cfiStep(uint64_t lookup) {
        if (!c_.cfi) return std::nullopt;
        auto row = c_.cfi(lookup);
        if (!row || row->returnAddress.kind != symbols::CfiRule::Kind::AtCfaOffset)
            return std::nullopt;
        uint64_t base;
        if (row->cfaRegister == 7)
            base = sp_;
        else if (row->cfaRegister == 6)
            base = bp_;
        else
            return std::nullopt;
        const uint64_t cfa = base + row->cfaOffset;
        const uint64_t prevSp = sp_;
        const int prevStack = stackOf(stacks_, sp_);
        auto ret = word(cfa + row->returnAddress.offset);
        if (!ret) return std::nullopt;
        if (row->bp.kind == symbols::CfiRule::Kind::AtCfaOffset) {
            auto bp = word(cfa + row->bp.offset);
            if (!bp) return std::nullopt;
            bp_ = *bp;
        }
        toCaller(*ret, cfa);
        if (stackOf(stacks_, sp_) != prevStack || sp_ <= prevSp) {
            finish(WalkStatus::Unreliable, "DWARF CFI led off the stack at " + symbolName(ip_));
            return std::nullopt;
        }
        return FoundBy::Cfi;
    }

    // One step of a frame-pointer kernel (no ORC), as the kernel's unwind_frame.c does it: the
    // frame record at bp holds the caller's bp and the return address; a bp with its low bit
    // set is an encoded pt_regs pointer (ENCODE_FRAME_POINTER in the entry code); a frame record
    // right below the task's top pt_regs means the syscall regs (or a kernel thread's end) come
    // next, since syscall entry does not encode its regs.
    std::optional<FoundBy> framePointerStep(std::optional<Boundary>& boundary) {
        const int prevStack = stackOf(stacks_, sp_);
        const uint64_t prevSp = sp_;
        const StackRange* task = taskStack();
        const uint64_t topRegs = task ? task->end - kPtRegsSize : 0;
        std::optional<uint64_t> regsAddress;
        if (task && (record_ == topRegs - 16 || record_ == topRegs - 8))
            regsAddress = topRegs; // the entry code's own frame: its regs are the task's top
        else if (bp_ & 1)
            regsAddress = bp_ & ~uint64_t(1);
        else if (bp_ == 0) {
            finish(WalkStatus::Complete, "end of the frame-pointer chain");
            return std::nullopt;
        }
        if (regsAddress) {
            auto r = ptRegs(*regsAddress, true);
            if (!r) return std::nullopt;
            if (*regsAddress == topRegs && !userMode(*r)) {
                // copy_thread()'s regs at a kernel thread's top carry nothing to unwind.
                finish(WalkStatus::Complete, "end of the kernel thread's stack");
                return std::nullopt;
            }
            boundary = boundaryHere(*regsAddress, true, *r);
            regs_ = *r;
            fullRegs_ = true;
            ip_ = r->ip;
            sp_ = r->sp;
            bp_ = r->bp;
            record_ = 0;
            signal_ = true;
            if (userMode(*r)) return FoundBy::FramePointer;
        } else {
            auto callerBp = word(bp_);
            if (!callerBp) return std::nullopt;
            auto ret = word(bp_ + 8);
            if (!ret) return std::nullopt;
            toCaller(*ret, bp_ + 16);
            record_ = bp_;
            bp_ = *callerBp;
        }
        if (!progressed(prevStack, prevSp, "frame pointer")) return std::nullopt;
        if (!code(signal_ ? ip_ : ip_ - 1).function) {
            finish(WalkStatus::Unreliable, hex(ip_) + " is not in kernel text");
            return std::nullopt;
        }
        return FoundBy::FramePointer;
    }

    // The pt_regs the code at ip_ saved: a boundary named after that entry code.
    Boundary boundaryHere(uint64_t regsAddress, bool full, const arch::X86Registers& regs) const {
        Boundary b;
        b.entry = symbolName(ip_);
        b.kind = boundaryKindOfEntry(b.entry);
        b.regsAddress = regsAddress;
        b.fullRegs = full;
        b.regs = regs;
        return b;
    }

    // After a step: the new sp must be on a known stack, and above the old one on the same stack.
    bool progressed(int prevStack, uint64_t prevSp, const char* pointer) {
        const int nextStack = stackOf(stacks_, sp_);
        if (nextStack < 0) {
            finish(WalkStatus::Unreliable, "stack pointer " + hex(sp_) + " is on no known stack");
            return false;
        }
        if (nextStack == prevStack && sp_ <= prevSp) {
            finish(WalkStatus::Loop,
                   std::string("the ") + pointer + " went down at " + symbolName(ip_));
            return false;
        }
        return true;
    }

    const StackRange* taskStack() const {
        for (const auto& s : stacks_)
            if (s.kind == StackKind::Task) return &s;
        return nullptr;
    }

    const WalkerContext& c_;
    std::span<const StackRange> stacks_;
    uint64_t ip_ = 0, sp_ = 0, bp_ = 0;
    std::optional<std::pair<uint64_t, uint64_t>> entryText_; // link-time [start, end)
    bool done_ = false;   // finish() was called: the step that called it ended the walk
    uint64_t record_ = 0; // frame-pointer walks: the frame record ip_ was read from (0: none)
    bool signal_ = false;
    std::optional<arch::X86Registers> regs_;
    bool fullRegs_ = false;
    int scans_ = 0;
    bool scanned_ = false;
    std::string scanReason_; // why the walk needed its first scan
    std::set<std::pair<uint64_t, uint64_t>> seen_;
    StackTrace trace_;
};

} // namespace

BoundaryKind boundaryKindOfEntry(std::string_view s) {
    if (s.starts_with("entry_SYSCALL") || s.starts_with("entry_SYSENTER") ||
        s.starts_with("entry_INT80") || s.starts_with("ret_from_fork"))
        return BoundaryKind::Syscall;
    if (s == "asm_exc_nmi" || s.find("nmi") != std::string_view::npos) return BoundaryKind::Nmi;
    if (s.starts_with("asm_exc_")) return BoundaryKind::Exception;
    return BoundaryKind::Interrupt;
}

StackTrace walkStack(const WalkerContext& context, const WalkStart& start,
                     std::span<const StackRange> stacks) {
    return Walk(context, stacks).run(start);
}

} // namespace panicscope::unwind
