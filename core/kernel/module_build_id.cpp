#include "kernel/module_build_id.h"

#include "symbols/build_id.h"

#include <algorithm>
#include <vector>

namespace panicscope::kernel {
namespace {

// A .ko has a handful of note sections; the build ID note is 36 bytes.
constexpr uint64_t kMaxNoteSections = 64;
constexpr uint64_t kMaxNoteBytes = 4096;

struct NoteAttrLayout {
    uint64_t array = 0, entry = 0; // module_notes_attrs.attrs, sizeof(struct bin_attribute)
    uint64_t size = 0, sizeBytes = 0, data = 0;
};

Result<NoteAttrLayout> noteAttrLayout(const KernelView& view) {
    NoteAttrLayout l;
    auto entry = view.layouts().sizeOf("bin_attribute");
    if (!entry) return tl::unexpected(entry.error());
    l.entry = *entry;
    if (auto r = view.memberOffset("module_notes_attrs", "attrs", l.array); !r)
        return tl::unexpected(r.error());
    if (auto r = view.memberOffset("bin_attribute", "size", l.size, &l.sizeBytes); !r)
        return tl::unexpected(r.error());
    if (auto r = view.memberOffset("bin_attribute", "private", l.data); !r)
        return tl::unexpected(r.error());
    return l;
}

} // namespace

Result<std::string> readModuleBuildId(const KernelView& view, uint64_t module) {
    auto attrs = view.readField(module, "module", "notes_attrs");
    if (!attrs) return tl::unexpected(attrs.error());
    if (*attrs == 0) return fail(Errc::NoSymbol, "the module has no notes (notes_attrs is NULL)");
    auto count = view.readField(*attrs, "module_notes_attrs", "notes");
    if (!count) return tl::unexpected(count.error());
    auto layout = noteAttrLayout(view);
    if (!layout) return tl::unexpected(layout.error());
    const uint64_t sections = std::min(*count, kMaxNoteSections);
    for (uint64_t i = 0; i < sections; ++i) {
        const uint64_t attr = *attrs + layout->array + i * layout->entry;
        auto size = view.readUnsigned(attr + layout->size, layout->sizeBytes);
        auto data = view.readUnsigned(attr + layout->data, 8);
        if (!size || !data || *size == 0 || *size > kMaxNoteBytes) continue;
        std::vector<std::byte> bytes(*size);
        if (!view.memory().read(*data, bytes)) continue;
        if (auto id = symbols::gnuBuildIdInNotes(bytes)) return *id;
    }
    return fail(Errc::NoSymbol, "no GNU build ID note among the module's " +
                                    std::to_string(*count) + " note sections");
}

} // namespace panicscope::kernel
