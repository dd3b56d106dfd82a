#include "errors.h"

#include <pybind11/eval.h>

namespace panicscope::python {

namespace py = pybind11;

const char* errcKey(Errc code) {
    switch (code) {
    case Errc::Io:
        return "io";
    case Errc::NotADump:
        return "not_a_dump";
    case Errc::Truncated:
        return "truncated";
    case Errc::Corrupt:
        return "corrupt";
    case Errc::NotInDump:
        return "not_in_dump";
    case Errc::BadAddress:
        return "bad_address";
    case Errc::VmlinuxMissing:
        return "vmlinux_missing";
    case Errc::VmlinuxMismatch:
        return "vmlinux_mismatch";
    case Errc::NoSymbol:
        return "no_symbol";
    case Errc::NoType:
        return "no_type";
    case Errc::Unsupported:
        return "unsupported";
    case Errc::Usage:
        return "usage";
    case Errc::Cancelled:
        return "cancelled";
    }
    return "unknown";
}

namespace {

// The exception classes, written in Python so that they behave as Python users expect
// (pickling, str(), keyword construction). Each subclass also derives from the builtin
// exception it resembles, so `except ValueError` still catches a bad argument.
constexpr const char* kExceptionClasses = R"PY(
class Error(Exception):
    """An error of panicscope's core: `code` says which ("no_symbol"), `message` is one line."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self):
        return (type(self), (self.code, self.message))

    def __repr__(self):
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"


class DumpError(Error):
    """The dump cannot be read: io, not_a_dump, truncated, corrupt."""


class VmlinuxError(Error):
    """No vmlinux for the dump (vmlinux_missing), or one of another build (vmlinux_mismatch)."""


class ReadError(Error):
    """Memory the dump lacks: not_in_dump, bad_address."""


class NoSymbolError(Error, LookupError):
    """A symbol or type the kernel or the query needs is absent: no_symbol, no_type."""


class UsageError(Error, ValueError):
    """A bad argument: a pid no task has, a size over the limit (usage)."""


class UnsupportedError(Error):
    """A kernel or format feature panicscope does not read (yet) (unsupported)."""


class CancelledError(Error):
    """A long request was interrupted (cancelled)."""


class Warning(UserWarning):
    """What did not stop an answer but may make it partial."""

)PY";

const char* exceptionClassOf(Errc code) {
    switch (code) {
    case Errc::Io:
    case Errc::NotADump:
    case Errc::Truncated:
    case Errc::Corrupt:
        return "DumpError";
    case Errc::NotInDump:
    case Errc::BadAddress:
        return "ReadError";
    case Errc::VmlinuxMissing:
    case Errc::VmlinuxMismatch:
        return "VmlinuxError";
    case Errc::NoSymbol:
    case Errc::NoType:
        return "NoSymbolError";
    case Errc::Unsupported:
        return "UnsupportedError";
    case Errc::Usage:
        return "UsageError";
    case Errc::Cancelled:
        return "CancelledError";
    }
    return "Error";
}

} // namespace

void bindErrors(py::module_& module) {
    py::dict scope = module.attr("__dict__");
    py::exec(kExceptionClasses, scope);

    py::register_exception_translator([](std::exception_ptr thrown) {
        try {
            if (thrown) std::rethrow_exception(thrown);
        } catch (const CoreError& e) {
            const py::object type =
                py::module_::import("panicscope").attr(exceptionClassOf(e.error().code));
            const py::object instance = type(errcKey(e.error().code), e.error().message);
            PyErr_SetObject(type.ptr(), instance.ptr());
        }
    });
}

} // namespace panicscope::python
