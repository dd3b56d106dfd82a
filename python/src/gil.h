// Core calls run without the GIL, so other Python threads go on while a dump is read.
#pragma once

#include <pybind11/pybind11.h>

namespace panicscope::python {

// Calls f() with the GIL released; f must not touch Python objects.
template <class F> auto withoutGil(F&& f) {
    pybind11::gil_scoped_release release;
    return f();
}

} // namespace panicscope::python
