#include "value_class.h"

namespace panicscope::python {

std::string reprOfFields(const py::handle& self, const char* className, const FieldList& fields) {
    std::string out = std::string(className) + "(";
    bool first = true;
    for (const auto& f : *fields) {
        const py::object value = self.attr(f.name.c_str());
        out += (first ? "" : ", ") + f.name + "=";
        if (f.address && py::isinstance<py::int_>(value))
            out += py::str(py::module_::import("builtins").attr("hex")(value));
        else
            out += py::repr(value);
        first = false;
    }
    return out + ")";
}

bool fieldsEqual(const py::handle& a, const py::handle& b, const FieldList& fields) {
    if (!a.get_type().is(b.get_type())) return false;
    for (const auto& f : *fields)
        if (!a.attr(f.name.c_str()).equal(b.attr(f.name.c_str()))) return false;
    return true;
}

} // namespace panicscope::python
