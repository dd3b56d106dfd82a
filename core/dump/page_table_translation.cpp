#include "dump/page_table_translation.h"

#include "dump/read_errors.h"
#include "util/hex.h"

#include <libkdumpfile/kdumpfile.h>

#include <utility>

namespace panicscope::dump {

Result<PageTableTranslation> PageTableTranslation::create(kdump_ctx_t* ctx) {
    addrxlat_ctx_t* axctx = nullptr;
    addrxlat_sys_t* axsys = nullptr;
    if (kdump_get_addrxlat(ctx, &axctx, &axsys) != KDUMP_OK || !axctx || !axsys) {
        const std::string why = kdump_get_err(ctx) ? kdump_get_err(ctx) : "no translation";
        kdump_clear_err(ctx);
        if (axctx) addrxlat_ctx_decref(axctx);
        if (axsys) addrxlat_sys_decref(axsys);
        return fail(Errc::Corrupt, "libkdumpfile gives no address translation: " + why);
    }
    return PageTableTranslation(axctx, axsys);
}

PageTableTranslation::PageTableTranslation(PageTableTranslation&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)), sys_(std::exchange(other.sys_, nullptr)) {}

PageTableTranslation::~PageTableTranslation() {
    if (ctx_) addrxlat_ctx_decref(ctx_);
    if (sys_) addrxlat_sys_decref(sys_);
}

Result<uint64_t> PageTableTranslation::toPhysical(uint64_t virtualAddress) const {
    addrxlat_fulladdr_t address{virtualAddress, ADDRXLAT_KVADDR};
    if (addrxlat_fulladdr_conv(&address, ADDRXLAT_KPHYSADDR, ctx_, sys_) == ADDRXLAT_OK)
        return address.addr;
    const char* why = addrxlat_ctx_get_err(ctx_);
    std::string message = "address " + hex(virtualAddress) + " has no mapping in the dump: " +
                          (why ? explainLibraryError(why) : "no translation");
    addrxlat_ctx_clear_err(ctx_);
    return fail(Errc::BadAddress, message);
}

} // namespace panicscope::dump
