// The host side of the C ABI (plugins/include/panicscope/plugin.h): the handles a plugin gets
// (session, writer, arguments, claim), the table of host functions, and a triage report as a C
// struct. Private to core/plugin: front ends use the registry.
#pragma once

#include "model/session.h"
#include "plugin/json_builder.h"
#include "plugin/plugin_verb.h"
#include "plugin/triage_rule.h"
#include "triage/crash_report.h"

#include <panicscope/plugin.h>

#include <ostream>
#include <string>
#include <vector>

struct ps_session {
    const panicscope::model::Session* session = nullptr; // null: console triage
    std::string error;
    panicscope::model::DumpInfo info;     // what ps_info's strings point into
    panicscope::model::SymbolInfo symbol; // what ps_symbol's strings point into
};

struct ps_writer {
    std::ostream* text = nullptr;
    panicscope::plugin::JsonBuilder json;
};

struct ps_args {
    const panicscope::plugin::VerbCall* call = nullptr;
};

struct ps_claim {
    const panicscope::triage::CrashReport* report = nullptr;
    panicscope::plugin::TriageClaim claim;
};

namespace panicscope::plugin {

// The host functions every plugin gets (one immutable table).
const ps_host& cHost();

// A CrashReport as the C struct rules and formats read; it points into this object.
class CReport {
  public:
    explicit CReport(const triage::CrashReport& report);
    CReport(const CReport&) = delete;
    CReport& operator=(const CReport&) = delete;
    const ps_report* get() const { return &report_; }

  private:
    std::string kind_, context_;
    std::vector<std::string> frameContexts_;
    std::vector<ps_report_frame> frames_;
    ps_report report_{};
};

} // namespace panicscope::plugin
