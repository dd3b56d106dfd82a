// Binds a plain C++ value (model/values.h) as a read-only Python class. Every value the module
// returns is built this way, so all of them behave alike: attributes in snake_case, a repr
// listing the fields (addresses in hex), == by fields, and `_fields` for panicscope.asdict().
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace panicscope::python {

namespace py = pybind11;

struct FieldSpec {
    std::string name;
    bool address = false; // shown in hex by repr
};
using FieldList = std::shared_ptr<std::vector<FieldSpec>>;

// "TaskRow(pid=1, comm='init', task=0xffff8a45411e9800)".
std::string reprOfFields(const py::handle& self, const char* className, const FieldList& fields);
// Whether two values are of the same class and equal field by field.
bool fieldsEqual(const py::handle& a, const py::handle& b, const FieldList& fields);

template <class T> class ValueClass {
  public:
    ValueClass(py::module_& module, const char* name, const char* doc)
        : cls_(module, name, doc), fields_(std::make_shared<std::vector<FieldSpec>>()) {
        FieldList fields = fields_;
        const std::string className = name;
        cls_.def("__repr__", [fields, className](const py::handle& self) {
            return reprOfFields(self, className.c_str(), fields);
        });
        cls_.def("__eq__", [fields](const py::handle& self, const py::handle& other) {
            return fieldsEqual(self, other, fields);
        });
        cls_.attr("__hash__") = py::none();
        cls_.def_property_readonly_static("_fields", [fields](const py::handle&) {
            py::tuple names(fields->size());
            for (size_t i = 0; i < fields->size(); ++i)
                names[i] = (*fields)[i].name;
            return names;
        });
    }

    // A member as it is (optional -> None, vector -> list, string -> str).
    template <class M> ValueClass& field(const char* name, M T::*member, const char* doc) {
        cls_.def_readonly(name, member, doc);
        fields_->push_back({name, false});
        return *this;
    }
    // An integer member that is an address: repr prints it in hex.
    template <class M> ValueClass& address(const char* name, M T::*member, const char* doc) {
        cls_.def_readonly(name, member, doc);
        fields_->push_back({name, true});
        return *this;
    }
    // A field computed from the value (an enum as its key, bytes, registers as a dict).
    template <class F> ValueClass& computed(const char* name, F&& get, const char* doc) {
        cls_.def_property_readonly(name, std::forward<F>(get), doc);
        fields_->push_back({name, false});
        return *this;
    }
    template <class F> ValueClass& computedAddress(const char* name, F&& get, const char* doc) {
        cls_.def_property_readonly(name, std::forward<F>(get), doc);
        fields_->push_back({name, true});
        return *this;
    }
    // A method or a property that is not a field (repr and asdict leave it out).
    template <class F, class... Extra>
    ValueClass& method(const char* name, F&& f, const Extra&... extra) {
        cls_.def(name, std::forward<F>(f), extra...);
        return *this;
    }
    template <class F> ValueClass& property(const char* name, F&& get, const char* doc) {
        cls_.def_property_readonly(name, std::forward<F>(get), doc);
        return *this;
    }

  private:
    py::class_<T> cls_;
    FieldList fields_;
};

} // namespace panicscope::python
