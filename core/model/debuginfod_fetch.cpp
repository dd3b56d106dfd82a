#include "model/debuginfod_fetch.h"

namespace panicscope::model {

Result<std::string> fetchDebugFile(const symbols::DebuginfodClient& client,
                                   const std::string& buildId, const std::string& what,
                                   const TextCallback& progress, const TextCallback& note) {
    const std::string doing = "fetching " + what + " (build ID " + buildId + ") from debuginfod";
    symbols::DebuginfodClient::Progress onProgress;
    if (progress) {
        progress(doing);
        // The client calls back for every chunk: redraw only when the whole MiB count changes.
        onProgress = [&progress, &doing, shown = long(-1)](long done, long total) mutable {
            const long mib = done >> 20;
            if (mib == shown) return;
            shown = mib;
            progress(doing + ": " + std::to_string(mib) + " MiB" +
                     (total > 0 ? " of " + std::to_string(total >> 20) + " MiB" : ""));
        };
    } else if (note) {
        // The client calls back only while it talks to a server, not for a cache hit: say it
        // once then.
        onProgress = [&note, &doing, &client, said = false](long, long) mutable {
            if (!said) note(doing + " at " + client.urls());
            said = true;
        };
    }
    return client.fetchDebugInfo(buildId, onProgress);
}

} // namespace panicscope::model
