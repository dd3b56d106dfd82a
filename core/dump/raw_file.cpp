#include "dump/raw_file.h"

#include "util/file_magic.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace panicscope::dump {

Result<RawFile> RawFile::open(const std::string& path) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return fail(Errc::Io, path + ": cannot open: " + std::strerror(errno));
    struct stat st;
    if (::fstat(fd, &st) != 0) {
        const int error = errno;
        ::close(fd);
        return fail(Errc::Io, path + ": cannot stat: " + std::strerror(error));
    }
    uint64_t size = static_cast<uint64_t>(st.st_size);
    if (S_ISBLK(st.st_mode)) {
        if (::ioctl(fd, BLKGETSIZE64, &size) != 0) size = 0;
    } else if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        ::close(fd);
        return fail(Errc::Io, path + ": is " + fileKindName(st.st_mode) +
                                  ", not a file (copy the dump to a file first)");
    }
    return RawFile(fd, size, S_ISDIR(st.st_mode));
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
