#include "triage/signature.h"

#include "triage/guilty_frame.h"

#include <cstdio>

namespace panicscope::triage {

uint64_t fnv1a64(std::string_view bytes) {
    uint64_t hash = 0xcbf29ce484222325ull;
    for (unsigned char c : bytes) {
        hash ^= c;
        hash *= 0x100000001b3ull;
    }
    return hash;
}

Signature makeSignature(CrashKind kind, std::string_view title,
                        const std::vector<TraceFrame>& frames) {
    Signature s;
    for (size_t i = 0; i < frames.size() && s.frames.size() < kSignatureFrames; ++i) {
        const auto& f = frames[i];
        if (i > 0 && f.startsContext) break;
        const std::string name = normalizeFunctionName(f.function);
        if (name.empty()) continue; // a frame without a symbol says nothing stable
        if (isEntryCode(name)) break;
        s.frames.push_back(name);
    }
    s.input = std::string(crashKindKey(kind)) + '\n' + std::string(title) + '\n';
    for (const auto& name : s.frames)
        s.input += name + '\n';
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a64(s.input)));
    s.hash = hex;
    return s;
}

} // namespace panicscope::triage
