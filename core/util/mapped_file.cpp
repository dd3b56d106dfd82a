#include "util/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace panicscope {

namespace {

// Closes the descriptor on every path out of open().
struct Descriptor {
    int fd;
    ~Descriptor() {
        if (fd >= 0) ::close(fd);
    }
};

} // namespace

std::optional<MappedFile> MappedFile::open(const std::string& path, size_t maxBytes) {
    Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
    struct stat st;
    if (file.fd < 0 || ::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
        static_cast<uint64_t>(st.st_size) > maxBytes)
        return std::nullopt;
    MappedFile mapped;
    const size_t size = static_cast<size_t>(st.st_size);
    if (size == 0) {
        mapped.mapping_ = std::make_shared<int>(0);
        return mapped;
    }
    void* at = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, file.fd, 0);
    if (at == MAP_FAILED) return std::nullopt;
    mapped.mapping_ = std::shared_ptr<const void>(
        at, [size](const void* p) { ::munmap(const_cast<void*>(p), size); });
    mapped.bytes_ = std::string_view(static_cast<const char*>(at), size);
    return mapped;
}

MappedFile MappedFile::from(size_t offset) const {
    MappedFile tail = *this;
    tail.bytes_ = offset < bytes_.size() ? bytes_.substr(offset) : std::string_view();
    return tail;
}

} // namespace panicscope
