#include "report/irq_report.h"

#include <cstdio>
#include <string>

namespace panicscope::report {

void printInterrupts(std::ostream& out, const model::InterruptTable& table) {
    char cell[32];
    out << " IRQ";
    for (unsigned cpu : table.cpus) {
        std::snprintf(cell, sizeof cell, " %10s", ("CPU" + std::to_string(cpu)).c_str());
        out << cell;
    }
    out << "  NAME / HANDLER\n";
    for (const auto& irq : table.irqs) {
        std::snprintf(cell, sizeof cell, "%4llu", static_cast<unsigned long long>(irq.irq));
        out << cell;
        for (uint64_t count : irq.counts) {
            std::snprintf(cell, sizeof cell, " %10llu", static_cast<unsigned long long>(count));
            out << cell;
        }
        for (size_t i = 0; i < irq.actions.size(); ++i)
            out << (i ? ", " : "  ") << irq.actions[i].name << " / " << irq.actions[i].handlerName;
        out << '\n';
    }
}

} // namespace panicscope::report
