// The printk ring buffer as a damaged dump holds it: the ring's header (sizes, head and tail
// ids), the descriptor and info arrays and the text ring, read by `log` (readKernelLog), by the
// crash facts (readKernelLogTail) and printed as dmesg lines.
//
// Input: u32 lengths of the descriptor array, the info array and the text ring; the 88-byte
// struct printk_ringbuffer; then the three regions. The ring's pointers are set to where the
// harness maps the regions; everything else (count_bits, size_bits, ids, lpos, states, text)
// is the input's. The struct layouts are fixed: the x86-64 ones of kernels 5.10 to 6.12.
#include "kernel/crash_facts.h"
#include "kernel/printk_log.h"

#include "fake_memory.h"
#include "fuzz_input.h"

#include <cstdint>
#include <cstring>
#include <vector>

using namespace panicscope;

namespace {

constexpr uint64_t kPrbVar = 0xffffffff82000000, kRing = 0xffffffff82001000;
constexpr uint64_t kDescs = 0xffff888001000000, kInfos = 0xffff888011000000;
constexpr uint64_t kData = 0xffff888021000000;
constexpr size_t kRingSize = 88;

const testing::FakeLayouts& ringLayouts() {
    static const testing::FakeLayouts layouts = [] {
        testing::FakeLayouts l;
        l.addSize("printk_ringbuffer", kRingSize);
        l.add("printk_ringbuffer", "desc_ring.count_bits", 0x0, 4);
        l.add("printk_ringbuffer", "desc_ring.descs", 0x8, 8);
        l.add("printk_ringbuffer", "desc_ring.infos", 0x10, 8);
        l.add("printk_ringbuffer", "desc_ring.head_id", 0x18, 8);
        l.add("printk_ringbuffer", "desc_ring.tail_id", 0x20, 8);
        l.add("printk_ringbuffer", "text_data_ring.size_bits", 0x30, 4);
        l.add("printk_ringbuffer", "text_data_ring.data", 0x38, 8);
        l.addSize("prb_desc", 24);
        l.add("prb_desc", "state_var", 0, 8);
        l.add("prb_desc", "text_blk_lpos.begin", 8, 8);
        l.add("prb_desc", "text_blk_lpos.next", 16, 8);
        l.addSize("printk_info", 88);
        l.add("printk_info", "seq", 0, 8);
        l.add("printk_info", "ts_nsec", 8, 8);
        l.add("printk_info", "text_len", 0x10, 2);
        l.add("printk_info", "facility", 0x12, 1);
        l.add("printk_info", "caller_id", 0x14, 4);
        return l;
    }();
    return layouts;
}

std::vector<std::byte> bytesOf(std::string_view s) {
    const auto* p = reinterpret_cast<const std::byte*>(s.data());
    return {p, p + s.size()};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::FuzzInput in(data, size);
    const auto descsSize = in.take<uint32_t>(), infosSize = in.take<uint32_t>();
    const auto textSize = in.take<uint32_t>();
    std::string ring(in.takeBytes(kRingSize));
    ring.resize(kRingSize);
    for (auto [offset, address] : {std::pair{0x8, kDescs}, {0x10, kInfos}, {0x38, kData}})
        std::memcpy(ring.data() + offset, &address, 8);

    testing::FakeMemory memory;
    memory.map(kPrbVar, bytesOf(std::string_view(reinterpret_cast<const char*>(&kRing), 8)));
    memory.map(kRing, bytesOf(ring));
    memory.map(kDescs, bytesOf(in.takeBytes(descsSize)));
    memory.map(kInfos, bytesOf(in.takeBytes(infosSize)));
    memory.map(kData, bytesOf(in.takeBytes(textSize)));
    static const symbols::SymbolTable symbols({{"prb", kPrbVar, 8, false}});
    const kernel::KernelView view(memory, symbols, ringLayouts(), 0);

    if (auto log = kernel::readKernelLog(view)) {
        for (const auto& record : log->records)
            (void)kernel::formatLogLines(record);
        (void)kernel::panicMessageFromLog(*log);
    }
    if (auto tail = kernel::readKernelLogTail(view, 512))
        (void)kernel::crashFactsIn(tail->log, true);
    return 0;
}
