#include "session_args.h"

#include "errors.h"
#include "gil.h"

#include <algorithm>

namespace panicscope::python {

namespace py = pybind11;

std::string pathText(const py::handle& path) {
    return py::str(py::module_::import("os").attr("fspath")(path));
}

std::vector<std::string> pathList(const py::handle& paths) {
    if (paths.is_none()) return {};
    if (py::isinstance<py::str>(paths) || py::hasattr(paths, "__fspath__"))
        return {pathText(paths)};
    std::vector<std::string> out;
    for (const py::handle item : paths)
        out.push_back(pathText(item));
    return out;
}

namespace {

std::vector<model::TaskRow> select(const model::Session& session,
                                   const model::TaskSelection& selection) {
    return unwrap(withoutGil([&] { return session.selectTasks(selection); }));
}

std::vector<int32_t> pidList(const py::handle& pids) {
    if (py::isinstance<py::int_>(pids)) return {pids.cast<int32_t>()};
    std::vector<int32_t> out;
    for (const py::handle pid : pids)
        out.push_back(pid.cast<int32_t>());
    return out;
}

std::vector<std::string> stringList(const py::handle& strings) {
    if (strings.is_none()) return {};
    if (py::isinstance<py::str>(strings)) return {strings.cast<std::string>()};
    std::vector<std::string> out;
    for (const py::handle s : strings)
        out.push_back(s.cast<std::string>());
    return out;
}

} // namespace

model::TaskRow taskOf(const model::Session& session, const py::handle& taskOrPid) {
    if (py::isinstance<model::TaskRow>(taskOrPid)) return taskOrPid.cast<model::TaskRow>();
    if (!py::isinstance<py::int_>(taskOrPid))
        throw py::type_error("a task is a TaskRow or a pid (int)");
    model::TaskSelection selection{model::TaskSelection::Kind::Pids, {taskOrPid.cast<int32_t>()}};
    return select(session, selection).front();
}

std::vector<model::TaskRow> selectTasks(const model::Session& session, const TaskFilter& filter) {
    using Kind = model::TaskSelection::Kind;
    const int chosen = int(!filter.pids.is_none()) + int(filter.all) + int(filter.active);
    if (chosen > 1)
        throw CoreError({Errc::Usage, "select_tasks: give pids, all or active, not several"});
    const std::string states = filter.states.value_or("");
    for (char c : states)
        if (std::string_view("RSDTtXZPI").find(c) == std::string_view::npos)
            throw CoreError({Errc::Usage, std::string("select_tasks: state '") + c +
                                              "' is not one of R S D T t X Z P I"});
    const std::vector<std::string> comms = stringList(filter.comms);

    model::TaskSelection selection;
    if (!filter.pids.is_none())
        selection = {Kind::Pids, pidList(filter.pids)};
    else if (filter.all || (chosen == 0 && (!states.empty() || !comms.empty())))
        selection.kind = Kind::All;
    else if (filter.active)
        selection.kind = Kind::CpuCurrent;
    std::vector<model::TaskRow> tasks = select(session, selection);
    std::erase_if(tasks, [&](const model::TaskRow& t) {
        if (!states.empty() && states.find(t.state) == std::string::npos) return true;
        return !comms.empty() && std::find(comms.begin(), comms.end(), t.comm) == comms.end();
    });
    return tasks;
}

} // namespace panicscope::python
