// NT_PRSTATUS notes: the registers each CPU saved at the crash (x86-64 struct elf_prstatus).
#pragma once

#include "arch/x86_64_registers.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace panicscope::dump {

struct CpuState;

// Decodes one NT_PRSTATUS descriptor; nullopt when it is too short for x86-64.
std::optional<CpuState> decodePrstatus(std::span<const std::byte> descriptor, unsigned cpu);

// The NT_PRSTATUS notes of a kdump-compressed file, read through its sub-header's note offset
// (libkdumpfile 0.5.1 reads none from QEMU's kdump files). Empty when there are none.
std::vector<CpuState> readKdumpPrstatus(const std::string& path);

} // namespace panicscope::dump
