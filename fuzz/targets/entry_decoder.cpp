// The entry-code decoder behind the entry-call table: Capstone over entry code that a damaged
// vmlinux (or a crafted one) holds, followed through calls, jumps, alternatives and stack
// switches. Whatever the bytes, it must end (bounded work) and report, never crash.
//
// Input: u8 entry-point count (1..4), per entry point u16 offset, u8 kind, u8 frame; u16 offset
// of a pt_regs-returning function, of a return thunk, of an alternative's site and its length;
// then the code, at 0x1000 (the alternative's replacement is the code's last 16 bytes).
#include "unwind/entry_decoder.h"

#include "fuzz_input.h"

#include <cstdint>

using namespace panicscope;
using namespace panicscope::unwind;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    constexpr uint64_t kBase = 0x1000;
    fuzz::FuzzInput in(data, size);
    entry::DecoderInput input;
    const unsigned entryPoints = in.take<uint8_t>() % 4 + 1;
    for (unsigned i = 0; i < entryPoints; ++i) {
        entry::EntryPoint e;
        e.address = kBase + in.take<uint16_t>();
        e.kind = static_cast<BoundaryKind>(in.take<uint8_t>() % 7);
        e.frame = static_cast<entry::EntryFrame>(in.take<uint8_t>() % 4);
        input.entryPoints.push_back(e);
    }
    input.regsReturning.insert(kBase + in.take<uint16_t>());
    input.returnThunks.insert(kBase + in.take<uint16_t>());
    const uint64_t patchAt = kBase + in.take<uint16_t>();
    const size_t patchLength = in.take<uint8_t>() % 32;
    const std::string_view code = in.rest();
    input.regions.push_back({kBase, code});
    if (code.size() >= 16) {
        const uint64_t replacementAt = kBase + code.size() - 16;
        input.patchSites.push_back(
            {patchAt, patchLength, replacementAt, code.substr(code.size() - 16)});
    }
    const auto result = entry::decodeEntryCalls(input);
    for (const auto& call : result.calls)
        (void)call.ptRegsOffset;
    return 0;
}
