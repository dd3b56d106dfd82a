#include "kernel/vmlinux_match.h"

namespace panicscope::kernel {

Result<std::optional<std::string>> checkVmlinuxMatchesDump(const dump::Vmcoreinfo& vmcoreinfo,
                                                           const symbols::Vmlinux& vmlinux,
                                                           const KernelView& view) {
    const std::string prefix = "vmlinux " + vmlinux.path() + " does not match the dump: ";
    const auto release = vmcoreinfo.osrelease();
    if (release && *release != vmlinux.release())
        return fail(Errc::VmlinuxMismatch,
                    prefix + "the dump is " + *release + ", the vmlinux is " + vmlinux.release());
    const auto buildId = vmcoreinfo.buildId();
    if (buildId && !vmlinux.buildId().empty() && *buildId != vmlinux.buildId())
        return fail(Errc::VmlinuxMismatch, prefix + "build ID " + *buildId + " in the dump, " +
                                               vmlinux.buildId() + " in the vmlinux (both " +
                                               vmlinux.release() + ")");
    auto bannerAddress = view.address("linux_banner");
    if (!bannerAddress) return tl::unexpected(bannerAddress.error());
    auto banner = view.memory().readCString(*bannerAddress, vmlinux.banner().size() + 1);
    // The release or build ID already agree: a banner that cannot be read is damage to the dump
    // (its page tables, that page), not a sign of another vmlinux, and the rest may still read.
    const bool buildIdsMatch = buildId && *buildId == vmlinux.buildId();
    if (!banner && (buildIdsMatch || release))
        return "cannot read linux_banner to double-check the vmlinux (" + banner.error().message +
               "): the dump's page tables or that page are damaged";
    if (!banner)
        return fail(Errc::VmlinuxMismatch,
                    prefix + "cannot read linux_banner from the dump at the vmlinux's address (" +
                        banner.error().message + ")");
    if (*banner != vmlinux.banner()) {
        auto trim = [](std::string s) {
            while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
                s.pop_back();
            return s;
        };
        return fail(Errc::VmlinuxMismatch, prefix + "the dump's banner is '" + trim(*banner) +
                                               "', the vmlinux's is '" + trim(vmlinux.banner()) +
                                               "'");
    }
    return std::nullopt;
}

} // namespace panicscope::kernel
