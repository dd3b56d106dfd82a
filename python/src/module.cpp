// The `panicscope` Python module: the core's Session and its plain values (README.md,
// "Scripting in Python").
#include "bindings.h"
#include "value_class.h"

namespace panicscope::python {

namespace {

// A value (and the values, lists and dicts in it) as plain dicts and lists, for json.dumps.
py::object asdict(const py::handle& value) {
    if (py::hasattr(value, "_fields") && !py::isinstance<py::type>(value)) {
        py::dict out;
        for (const py::handle name : value.attr("_fields"))
            out[name] = asdict(value.attr(name));
        return out;
    }
    if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
        py::list out;
        for (const py::handle item : value)
            out.append(asdict(item));
        return out;
    }
    if (py::isinstance<py::dict>(value)) {
        py::dict out;
        for (const auto& [k, v] : value.cast<py::dict>())
            out[k] = asdict(v);
        return out;
    }
    return py::reinterpret_borrow<py::object>(value);
}

} // namespace

} // namespace panicscope::python

PYBIND11_MODULE(panicscope, m) {
    using namespace panicscope::python;
    m.doc() = "Offline analysis of Linux kernel crash dumps: panicscope's core as Python values.";
    bindErrors(m);
    bindKernelValues(m);
    bindStackValues(m);
    bindMemoryValues(m);
    bindTriageValues(m);
    bindSession(m);
    m.def("asdict", &asdict, pybind11::arg("value"),
          "A value (DumpInfo, StackTrace, ...) as plain dicts and lists, recursively.");
}
