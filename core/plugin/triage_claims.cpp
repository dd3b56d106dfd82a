#include "plugin/triage_claims.h"

#include "triage/guilty_frame.h"

namespace panicscope::plugin {

namespace {

// Moves the guilty frame to `function`, which the claim checked is among the frames.
void moveGuilty(triage::CrashReport& r, const std::string& function) {
    for (size_t i = 0; i < r.frames.size(); ++i) {
        if (triage::normalizeFunctionName(r.frames[i].function) != function) continue;
        r.guiltyFunction = function;
        r.guiltyModule = r.frames[i].module;
        r.context = triage::guiltyContext(r.frames, i, r.task);
        r.frames.erase(r.frames.begin(), r.frames.begin() + static_cast<ptrdiff_t>(i));
        if (r.framesOrigin) r.framesOrigin->firstFrame += i;
        return;
    }
}

bool apply(triage::CrashReport& r, const TriageClaim& claim) {
    if (!claim.kind && !claim.title && !claim.guiltyFunction) return false;
    if (claim.kind) r.kind = *claim.kind;
    if (claim.guiltyFunction) moveGuilty(r, *claim.guiltyFunction);
    if (claim.title) r.title = *claim.title;
    r.signature = triage::makeSignature(r.kind, r.title, r.frames);
    return true;
}

} // namespace

void applyTriageClaims(triage::CrashReport& report, const model::Session* session,
                       const Registry& registry) {
    for (const auto& rule : registry.triageRules()) {
        if (!rule.claim) continue;
        auto claim = rule.claim(TriageInput{report, session});
        if (!claim) {
            report.warnings.push_back("triage rule " + rule.name + ": " + claim.error().message);
            continue;
        }
        if (!*claim) continue;
        if (!report.claimedBy && apply(report, **claim)) report.claimedBy = rule.name;
        for (auto& section : (*claim)->sections) {
            section.rule = rule.name;
            report.sections.push_back(std::move(section));
        }
    }
}

} // namespace panicscope::plugin
