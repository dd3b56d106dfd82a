// Lets the registry's claiming triage rules (plugins) have their say on a finished report.
#pragma once

#include "model/session.h"
#include "plugin/registry.h"
#include "triage/crash_report.h"

namespace panicscope::plugin {

// Asks every rule with a claim hook, in registration order. The first rule that sets the kind,
// title or guilty frame wins them (`claimedBy`), and the signature follows what it set; every
// rule's sections are kept. A rule's error becomes a warning of the report. `session` is null
// for a report from console text.
void applyTriageClaims(triage::CrashReport& report, const model::Session* session,
                       const Registry& registry);

} // namespace panicscope::plugin
