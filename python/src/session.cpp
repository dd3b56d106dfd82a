// panicscope.open() and the Session class: each method one model::Session call, run without the
// GIL, its Result unwrapped into a value or a panicscope exception.
#include "model/session.h"
#include "bindings.h"
#include "errors.h"
#include "gil.h"
#include "session_args.h"
#include "triage/dump_triage.h"
#include "util/hex.h"

#include <pybind11/stl.h>

#include <chrono>
#include <future>

namespace panicscope::python {

namespace py = pybind11;
using model::Session;
using model::TaskRow;

namespace {

std::unique_ptr<Session> openSession(const py::object& path, const py::object& vmlinux,
                                     const py::object& debugDirs, const py::object& moduleDirs,
                                     const py::object& split) {
    model::SessionOptions options;
    options.dumpPaths = {pathText(path)};
    for (auto& part : pathList(split))
        options.dumpPaths.push_back(part);
    if (!vmlinux.is_none()) options.vmlinuxPath = pathText(vmlinux);
    options.debugDirs = pathList(debugDirs);
    options.moduleDirs = pathList(moduleDirs);
    options.prepareUnwinding = true; // scripts mostly unwind: load the tables meanwhile
    auto session = unwrap(withoutGil([&] { return Session::open(options); }));
    warnAll(session->warnings());
    return session;
}

std::vector<TaskRow> allTasks(const Session& s) {
    return unwrap(withoutGil([&] { return s.selectTasks({model::TaskSelection::Kind::All, {}}); }));
}

// Unwinds on every core; Ctrl-C (a signal Python sees on its main thread) cancels the batch.
std::vector<std::pair<TaskRow, unwind::StackTrace>>
backtraces(const Session& s, const py::object& tasksArg, bool lines) {
    std::vector<TaskRow> tasks;
    if (tasksArg.is_none())
        tasks = allTasks(s);
    else
        for (const py::handle t : tasksArg)
            tasks.push_back(taskOf(s, t));
    std::vector<unwind::StackTrace> traces(tasks.size());
    model::CancelToken cancel;
    bool interrupted = false;
    std::optional<Result<void>> result;
    {
        py::gil_scoped_release release;
        auto done = std::async(std::launch::async, [&] {
            return s.backtraces(
                tasks, {lines},
                [&](size_t i, const TaskRow&, unwind::StackTrace t) { traces[i] = std::move(t); },
                {}, &cancel);
        });
        while (done.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
            py::gil_scoped_acquire acquire;
            if (!interrupted && PyErr_CheckSignals() != 0) {
                interrupted = true; // the exception stays set until we raise it below
                cancel.cancel();
            }
        }
        result = done.get();
    }
    if (interrupted) throw py::error_already_set();
    unwrap(std::move(*result));
    warnAll(s.backtraceWarnings());
    std::vector<std::pair<TaskRow, unwind::StackTrace>> out;
    out.reserve(tasks.size());
    for (size_t i = 0; i < tasks.size(); ++i)
        out.emplace_back(std::move(tasks[i]), std::move(traces[i]));
    return out;
}

model::MemoryBlock readMemory(const Session& s, uint64_t address, size_t length, bool physical,
                              bool partial) {
    auto block = unwrap(withoutGil([&] {
        return physical ? s.readPhysicalMemory(address, length) : s.readMemory(address, length);
    }));
    if (!partial && !block.missing.empty()) {
        const auto [begin, end] = block.missing.front();
        throw CoreError({Errc::NotInDump, hex(begin) + "-" + hex(end) + " is not in the dump: " +
                                              block.missingReason.value_or("unreadable")});
    }
    return block;
}

std::vector<model::CodeLine> disassemble(const Session& s, const py::object& where,
                                         std::optional<size_t> count) {
    const bool isAddress = py::isinstance<py::int_>(where);
    if (!isAddress && !py::isinstance<py::str>(where))
        throw py::type_error("disassemble: give an address (int) or a symbol name (str)");
    const std::string query = isAddress ? hex(where.cast<uint64_t>()) : where.cast<std::string>();
    return unwrap(withoutGil([&]() -> Result<std::vector<model::CodeLine>> {
        if (!count) return s.disassembleFunction(query);
        uint64_t address = 0;
        if (isAddress) {
            address = *parseHex(query);
        } else {
            auto symbol = s.lookupSymbol(query);
            if (!symbol) return tl::unexpected(symbol.error());
            address = symbol->address;
        }
        return s.disassemble(address, *count);
    }));
}

void bindQueries(py::class_<Session, std::unique_ptr<Session>>& cls) {
    cls.def(
           "info", [](const Session& s) { return unwrap(withoutGil([&] { return s.info(); })); },
           "The dump's facts (DumpInfo), as `panicscope info`.")
        .def(
            "tasks",
            [](const Session& s) {
                auto table = unwrap(withoutGil([&] { return s.tasks(); }));
                warnAll(table.warnings);
                return table.tasks;
            },
            "Every process and thread (list of TaskRow), as `panicscope ps`: by pid, the idle "
            "tasks first.")
        .def(
            "crashing_task",
            [](const Session& s) { return unwrap(withoutGil([&] { return s.crashingTask(); })); },
            "The panic CPU's task (TaskRow), or None when unknown.")
        .def(
            "log",
            [](const Session& s) {
                auto log = unwrap(withoutGil([&] { return s.log(); }));
                warnAll(log.warnings);
                return log.records;
            },
            "The kernel log (list of LogRecord), by sequence number.")
        .def(
            "modules",
            [](const Session& s) { return unwrap(withoutGil([&] { return s.modules(); })); },
            "The loaded modules (list of ModuleRow).")
        .def(
            "triage",
            [](const Session& s) {
                return unwrap(withoutGil([&] { return triage::triageDump(s); }));
            },
            "The crash (CrashReport): kind, title, guilty frame, signature, as `panicscope "
            "triage`.")
        .def(
            "warnings",
            [](const Session& s) {
                auto out = s.warnings();
                for (auto& w : s.backtraceWarnings())
                    out.push_back(std::move(w));
                return out;
            },
            "What is wrong with the dump, and what the unwinder could not use so far "
            "(list of Diagnostic).");
}

void bindStacks(py::class_<Session, std::unique_ptr<Session>>& cls) {
    cls.def(
           "select_tasks",
           [](const Session& s, py::object pids, bool all, bool active,
              std::optional<std::string> state, py::object comm) {
               return selectTasks(s, {pids, all, active, state, comm});
           },
           py::arg("pids") = py::none(), py::kw_only(), py::arg("all") = false,
           py::arg("active") = false, py::arg("state") = py::none(), py::arg("comm") = py::none(),
           "The tasks `bt` would show (list of TaskRow): the crashing one by default, the pids "
           "given (UsageError for one no task has), all=True every task, active=True every CPU's "
           "current one; then only those in one of the states (state='D' or 'DS') and named one "
           "of comm (a str or a list). With only state or comm, of every task.")
        .def(
            "backtrace",
            [](const Session& s, const py::object& task, bool lines) {
                const TaskRow row = taskOf(s, task);
                auto trace = unwrap(withoutGil([&] { return s.backtrace(row, {lines}); }));
                warnAll(s.backtraceWarnings());
                return trace;
            },
            py::arg("task"), py::kw_only(), py::arg("lines") = false,
            "The kernel stack (StackTrace) of a task (a TaskRow or a pid); lines=True adds "
            "file:line and inlined functions (slower).")
        .def("backtraces", &backtraces, py::arg("tasks") = py::none(), py::kw_only(),
             py::arg("lines") = false,
             "[(TaskRow, StackTrace), ...] for the tasks given (TaskRows or pids; every task by "
             "default), in that order, unwound on every core without the GIL. Ctrl-C cancels.");
}

void bindMemory(py::class_<Session, std::unique_ptr<Session>>& cls) {
    cls.def("read", &readMemory, py::arg("address"), py::arg("length"), py::kw_only(),
            py::arg("physical") = false, py::arg("partial") = true,
            "`length` bytes (at most 64 MiB) from a kernel virtual address (physical=True: a "
            "physical one) as a MemoryBlock; pages the dump lacks are zeros listed in "
            "`missing`, or with partial=False a ReadError.")
        .def(
            "symbolize",
            [](const Session& s, uint64_t address) {
                return withoutGil([&] { return s.symbolize(address); });
            },
            py::arg("address"),
            "The symbol containing a runtime address, as bt names a frame there (SymbolInfo), "
            "or None.")
        .def(
            "lookup_symbol",
            [](const Session& s, const std::string& name) {
                return unwrap(withoutGil([&] { return s.lookupSymbol(name); }));
            },
            py::arg("name"),
            "A symbol by name (vmlinux, else a loaded module) or hex address, as `panicscope "
            "sym` (SymbolInfo); NoSymbolError when none.")
        .def("disassemble", &disassemble, py::arg("where"), py::arg("count") = py::none(),
             "Instructions (list of CodeLine) at an address (int) or a function (str): `count` "
             "of them from there, or without count the whole function, as `panicscope dis`.");
}

} // namespace

void bindSession(py::module_& m) {
    py::class_<Session, std::unique_ptr<Session>> cls(
        m, "Session", "One opened dump with its vmlinux. Methods may be called from any thread.");
    cls.def_property_readonly("path", &Session::dumpPath, "the dump file")
        .def("__repr__",
             [](const Session& s) { return "<panicscope.Session " + s.dumpPath() + ">"; });
    bindQueries(cls);
    bindStacks(cls);
    bindMemory(cls);

    m.def("open", &openSession, py::arg("path"), py::arg("vmlinux") = py::none(),
          py::arg("debug_dirs") = py::none(), py::arg("module_dir") = py::none(),
          py::arg("split") = py::none(),
          "Opens a dump (Session). vmlinux: its vmlinux with debug info (else found from the "
          "dump's release in debug_dirs and Debian's places); module_dir: a directory or list "
          "of them searched for MODULE.ko with debug info; split: the other parts of a "
          "makedumpfile --split set. Raises DumpError, VmlinuxError, ...");
}

} // namespace panicscope::python
