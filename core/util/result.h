// The one error type of panicscope's core: every fallible library call returns Result<T>.
// Front ends (CLI, GUI) turn an Error into one line for the user; nothing in core throws across
// its boundary.
#pragma once

#include <string>
#include <tl/expected.hpp>
#include <utility>

namespace panicscope {

enum class Errc {
    Io,              // the file cannot be opened or read
    NotADump,        // the file is no dump format we know
    Truncated,       // the dump ends before its own headers say it does
    Corrupt,         // the dump contradicts itself
    NotInDump,       // the page exists but was filtered out (makedumpfile -d) or never captured
    BadAddress,      // no translation for a virtual address
    VmlinuxMissing,  // no vmlinux given or found
    VmlinuxMismatch, // the vmlinux belongs to another build than the dump
    NoSymbol,        // a symbol the kernel model needs is absent
    NoType,          // a struct or member the kernel model needs is absent from the debug info
    Unsupported,     // a kernel or format feature we do not handle (yet)
    Usage,           // bad arguments from the user
    Cancelled,       // the caller cancelled a long request
};

struct Error {
    Errc code;
    std::string message;
};

template <class T> using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(Errc code, std::string message) {
    return tl::unexpected<Error>(Error{code, std::move(message)});
}

// Adds context in front of an error's message, e.g. "task 0xffff...: " + "read failed".
inline Error withContext(Error e, const std::string& context) {
    e.message = context + ": " + e.message;
    return e;
}

} // namespace panicscope
