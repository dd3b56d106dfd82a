// What an address is, as `kmem ADDR` and `whatis ADDR` say it: plain values, shared by the kernel
// model that finds them and the front ends that print them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace panicscope::kernel {

enum class AddressKind {
    KernelText, // the vmlinux's code
    KernelData, // the vmlinux's data, rodata, bss, init data
    Module,     // inside a loaded module's memory
    TaskStack,  // a task's kernel stack
    CpuStack,   // a CPU's IRQ, exception or entry stack
    PerCpu,     // a CPU's per-CPU area (static variable or dynamic allocation)
    Slab,       // an object of a slab cache (SLUB)
    Page,       // a page of the direct map (no slab page)
    PageStruct, // a struct page in the vmemmap array
    Vmalloc,    // the vmalloc area (no stack)
    User,       // the user half of the address space
    Unknown,    // none of the above
};

// "kernel-text", "slab", ...: the stable names JSON uses.
const char* addressKindKey(AddressKind kind);

struct StackOwner {
    std::string name; // "task stack", "IRQ stack", "NMI exception stack", ...
    std::optional<int32_t> pid;
    std::string comm;
    uint64_t task = 0; // the task_struct; 0 for a CPU stack
    std::optional<unsigned> cpu;
    uint64_t base = 0, size = 0; // the stack's lowest address and size
};

struct SlabObject {
    std::string cache;         // kmem_cache.name
    uint64_t cacheAddress = 0; // the struct kmem_cache
    uint64_t object = 0;       // the object's start
    uint64_t objectSize = 0;   // kmem_cache.object_size
    uint64_t slotSize = 0;     // kmem_cache.size: the object with its metadata
    uint64_t index = 0;        // the object's index in its slab
    uint64_t slab = 0;         // the slab's first byte
};

struct PageRef {
    uint64_t pfn = 0;
    uint64_t structPage = 0; // its struct page in the vmemmap
};

struct AddressDescription {
    uint64_t address = 0;
    AddressKind kind = AddressKind::Unknown;
    std::string region; // "kernel image", "module", "direct map", "vmalloc", "vmemmap", ...
    std::optional<std::string> symbol; // the containing symbol (vmlinux, module or per-CPU)
    uint64_t symbolOffset = 0;
    std::optional<std::string> section; // "text", "rodata", "data", "bss", "init", "ro_after_init"
    std::optional<std::string> module;
    std::optional<StackOwner> stack;
    std::optional<unsigned> cpu; // a per-CPU address's CPU
    uint64_t offset = 0;         // into the stack, the per-CPU area, the slab object
    std::optional<SlabObject> slab;
    std::optional<PageRef> page;
    std::string note; // what else is known, or why nothing is ("not in the dump", ...)
};

} // namespace panicscope::kernel
