// A real dump opened through the public API, as every front end opens one.
#pragma once

#include "dump_manifest.h"
#include "model/session.h"

#include <memory>
#include <stdexcept>

namespace panicscope::testing {

// Throws std::runtime_error with the reason when the dump and its vmlinux do not open.
inline std::unique_ptr<model::Session> openSession(const DumpRow& row) {
    model::SessionOptions options;
    options.dumpPaths = {row.dump};
    options.vmlinuxPath = row.vmlinux;
    auto session = model::Session::open(options);
    if (!session) throw std::runtime_error(session.error().message);
    return std::move(*session);
}

} // namespace panicscope::testing
