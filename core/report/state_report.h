// Text and JSON of the memory-state verbs: `sys`, `kmem -i`, and `kmem ADDR` / `whatis ADDR`
// (schema: docs/json-schema.md). The text follows crash's layouts, so its users find their way.
#pragma once

#include "model/values.h"

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace panicscope::report {

// crash's `sys`: "      KERNEL: ...", "LOAD AVERAGE: 0.60, 0.13, 0.04", with the taint lines.
void printSystemInfo(std::ostream& out, const model::SystemInfo& info);
nlohmann::ordered_json systemInfoJson(const model::SystemInfo& info);

// "Wed Dec  2 03:11:53 UTC 2026": the wall clock in UTC, as crash's DATE.
std::string formatWallClock(int64_t seconds);
// crash's sizes: "0", "512 KB", "241.8 MB", "7.5 GB".
std::string formatSize(uint64_t bytes);

// crash's `kmem -i` table: PAGES, TOTAL, PERCENTAGE per line.
void printMemoryTotals(std::ostream& out, const model::MemoryTotals& totals);
nlohmann::ordered_json memoryTotalsJson(const model::MemoryTotals& totals);

// One line saying what an address is: "ffff...: slab object of cache task_struct, ..." (whatis).
std::string addressSummary(const model::AddressDescription& address);
// The summary, then one line per fact (kmem ADDR).
void printAddressDescription(std::ostream& out, const model::AddressDescription& address);
nlohmann::ordered_json addressDescriptionJson(const model::AddressDescription& address);

} // namespace panicscope::report
