// The parts of the module, each binding one group of values or the Session (module.cpp calls
// them in this order: a class must be bound before a signature that returns it).
#pragma once

#include <pybind11/pybind11.h>

namespace panicscope::python {

void bindErrors(pybind11::module_& module);       // errors.cpp
void bindKernelValues(pybind11::module_& module); // kernel_values.cpp: info, tasks, log, modules
void bindStackValues(pybind11::module_& module);  // stack_values.cpp: traces, frames, boundaries
void bindMemoryValues(pybind11::module_& module); // memory_values.cpp: memory, symbols, code
void bindTriageValues(pybind11::module_& module); // triage_values.cpp: the crash report
void bindSession(pybind11::module_& module);      // session.cpp: open() and Session

} // namespace panicscope::python
