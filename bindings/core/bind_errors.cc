// Errors: acaode.SolverError (a RuntimeError) and the one absl::Status -> exception map.
// acaode::ValueError and acaode::RuntimeError (autograd/error.h) derive from
// std::invalid_argument / std::runtime_error, which pybind11 already turns into ValueError
// and RuntimeError.
#include <pybind11/pybind11.h>

#include <atomic>
#include <string>

#include "absl/status/status.h"
#include "bindings/core/bindings.h"
#include "util/interrupt.h"

namespace acaode::bindings {
namespace {

std::atomic<int64_t> python_callbacks{0};

}  // namespace

int64_t PythonCallbackCount() { return python_callbacks.load(); }
void CountPythonCallback() { python_callbacks.fetch_add(1); }

GilSafeObject::~GilSafeObject() {
  if (!Py_IsInitialized()) {
    obj_.release();  // the interpreter is gone: leak rather than touch it
    return;
  }
  py::gil_scoped_acquire gil;
  obj_ = py::object();
}

void ThrowIfError(const absl::Status& status, ErrorDomain domain) {
  if (status.ok()) return;
  const std::string message(status.message());
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      throw py::value_error(message);
    case absl::StatusCode::kNotFound:
      throw FileNotFoundException(message);
    case absl::StatusCode::kCancelled:  // Note [Interrupting a solve]
      throw Interrupted(message);
    default:
      break;
  }
  if (domain == ErrorDomain::kIo) throw OsErrorException(message);
  throw SolverErrorException(message);
}

void BindErrors(py::module_& m) {
  // Never destroyed: it must outlive every translation (and the interpreter's exit).
  static auto* solver_error =
      new py::exception<SolverErrorException>(m, "SolverError", PyExc_RuntimeError);
  solver_error->doc() =
      "A numerical failure of a solve (max_steps reached, step size underflow, non-finite "
      "state); a RuntimeError. The message says what happened and what to change.";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const SolverErrorException& e) {
      PyErr_SetString(solver_error->ptr(), e.what());
    } catch (const FileNotFoundException& e) {
      PyErr_SetString(PyExc_FileNotFoundError, e.what());
    } catch (const OsErrorException& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const Interrupted& e) {
      // Note [Interrupting a solve]: Python's SIGINT handler (KeyboardInterrupt by default)
      // runs now that the GIL is back; if it raises nothing, KeyboardInterrupt still does.
      if (PyErr_CheckSignals() != 0) {
        // A bare KeyboardInterrupt (the default handler's) gets the message of where.
        if (!PyErr_ExceptionMatches(PyExc_KeyboardInterrupt)) return;
        PyObject *type, *value, *traceback;
        PyErr_Fetch(&type, &value, &traceback);
        PyErr_NormalizeException(&type, &value, &traceback);
        bool bare = true;
        if (value != nullptr) {
          PyObject* args = PyObject_GetAttrString(value, "args");
          bare = args != nullptr && PyTuple_Check(args) && PyTuple_Size(args) == 0;
          if (args == nullptr) PyErr_Clear();
          Py_XDECREF(args);
        }
        if (!bare) {
          PyErr_Restore(type, value, traceback);
          return;
        }
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(traceback);
      }
      PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
    }
  });
  m.def("_python_callback_count", &PythonCallbackCount,
        "Calls from C++ into Python made by the bindings so far (Note [GIL in solves]).");
}

}  // namespace acaode::bindings
