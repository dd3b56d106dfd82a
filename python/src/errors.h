// The core's errors as Python exceptions: panicscope.Error with `.code` (the core's error code as
// a key, "no_symbol") and `.message`, and a subclass per family of codes (UsageError, ...).
#pragma once

#include "util/result.h"

#include <pybind11/pybind11.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace panicscope::python {

// A core Error on its way to Python: thrown by the bindings, turned into the matching
// panicscope exception by the translator bindErrors() registers.
class CoreError : public std::runtime_error {
  public:
    explicit CoreError(Error error) : std::runtime_error(error.message), error_(std::move(error)) {}
    const Error& error() const { return error_; }

  private:
    Error error_;
};

// "io", "not_a_dump", ..., "cancelled": the `.code` of an exception.
const char* errcKey(Errc code);

// Defines panicscope.Error, its subclasses and panicscope.Warning in `module`, and the
// translator from CoreError.
void bindErrors(pybind11::module_& module);

// The value of a Result, or a CoreError.
template <class T> T unwrap(Result<T>&& result) {
    if (!result) throw CoreError(std::move(result.error()));
    return std::move(*result);
}
inline void unwrap(Result<void>&& result) {
    if (!result) throw CoreError(std::move(result.error()));
}

// Issues each text as a panicscope.Warning (Python's warnings module: shown once per place by
// default, an error under -W error). Needs the GIL.
template <class Diagnostics> void warnAll(const Diagnostics& diagnostics) {
    if (diagnostics.empty()) return;
    const pybind11::object category = pybind11::module_::import("panicscope").attr("Warning");
    for (const auto& d : diagnostics) {
        const std::string& text = [&]() -> const std::string& {
            if constexpr (std::is_same_v<std::decay_t<decltype(d)>, std::string>)
                return d;
            else
                return d.text;
        }();
        if (PyErr_WarnEx(category.ptr(), text.c_str(), 2) != 0) throw pybind11::error_already_set();
    }
}

} // namespace panicscope::python
