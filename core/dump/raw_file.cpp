#include "dump/raw_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace panicscope::dump {

Result<RawFile> RawFile::open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(Errc::Io, path + ": cannot open: " + std::strerror(errno));
    struct stat st;
    if (::fstat(fd, &st) != 0) {
        const int error = errno;
        ::close(fd);
        return fail(Errc::Io, path + ": cannot stat: " + std::strerror(error));
    }
    return RawFile(fd, static_cast<uint64_t>(st.st_size), S_ISDIR(st.st_mode));
}

RawFile::~RawFile() {
    if (fd_ >= 0) ::close(fd_);
}

RawFile::RawFile(RawFile&& other) noexcept
    : fd_(other.fd_), size_(other.size_), directory_(other.directory_) {
    other.fd_ = -1;
}

bool RawFile::readAt(uint64_t offset, void* out, size_t size) const {
    auto* p = static_cast<char*>(out);
    while (size > 0) {
        ssize_t n = ::pread(fd_, p, size, static_cast<off_t>(offset));
        if (n <= 0) return false;
        p += n;
        offset += static_cast<uint64_t>(n);
        size -= static_cast<size_t>(n);
    }
    return true;
}

} // namespace panicscope::dump
