// The session options that open one generated dump with its vmlinux (the GUI's real-dump tests).
#pragma once

#include "dump_manifest.h"
#include "model/session.h"

namespace panicscope::gui::testing {

inline model::SessionOptions optionsFor(const panicscope::testing::DumpRow& row) {
    model::SessionOptions options;
    options.dumpPaths = {row.dump};
    options.vmlinuxPath = row.vmlinux;
    return options;
}

} // namespace panicscope::gui::testing
