// Declarations shared by the binding files: one Bind*(py::module_&) function per bind_*.cc
// (module.cc calls BindAll, which calls them in dependency order), and the few translation
// helpers they share (Python objects <-> Tensors, dtypes, absl::Status -> Python exception,
// the GIL-safe handle that C++ closures use to hold Python objects).
//
// Note [GIL in solves]: every call that may run long (odeint, solve, Tensor.backward)
// releases the GIL; every place where C++ calls back into Python (a Python callable as the
// dynamics, a Python subclass's `forward`) re-acquires it first and counts the call in
// PythonCallbackCount(). A solve whose dynamics are C++ layers only therefore runs without
// the GIL and without touching Python; tests check the count stays unchanged. A Python
// exception raised in a callback travels through the C++ solver as
// pybind11::error_already_set (the solvers are exception-safe) and is re-raised unchanged.
#ifndef ACAODE_BINDINGS_CORE_BINDINGS_H_
#define ACAODE_BINDINGS_CORE_BINDINGS_H_

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "absl/status/status.h"
#include "autograd/creation.h"
#include "autograd/dtype.h"
#include "autograd/tensor.h"

namespace acaode::bindings {

namespace py = pybind11;

// Binds every part of the C++ API into `m` (bind_all.cc lists them in dependency order).
void BindAll(py::module_& m);

// Build facts: whether CUDA kernels were compiled in, the compiler, the SIMD level.
void BindBuildInfo(py::module_& m);
// SolverError and the translators of the C++ exceptions below (bind_errors.cc).
void BindErrors(py::module_& m);
// Tensor, dtypes, creation functions, Generator, grad mode (bind_tensor.cc).
void BindTensor(py::module_& m);
// The tensor functions as acaode.<name> (bind_ops.cc).
void BindOps(py::module_& m);
// acaode.nn: Module (subclassable from Python) and every C++ layer (bind_nn.cc).
void BindNn(py::module_& m);
// acaode.nn.functional (bind_functional.cc).
void BindFunctional(py::module_& m);
// acaode.optim: SGD, Adam and the learning-rate schedules (bind_optim.cc).
void BindOptim(py::module_& m);
// OdeintOptions, SolveStats, Solution and the solve entry point (bind_odeint.cc).
void BindOdeint(py::module_& m);
// acaode.cuda (is_available, device_count, ...) and Tensor.to('cuda') (bind_cuda.cc).
void BindCuda(py::module_& m);
// acaode._core._nccl: NCCL collectives for acaode.distributed's CUDA tensors (bind_nccl.cc).
void BindNccl(py::module_& m);

// --- errors (bind_errors.cc) ---

// C++ exceptions that the translators registered by BindErrors turn into Python ones.
// They can be thrown with or without the GIL held.
class SolverErrorException : public std::runtime_error {  // -> acaode.SolverError
 public:
  using std::runtime_error::runtime_error;
};
class FileNotFoundException : public std::runtime_error {  // -> FileNotFoundError
 public:
  using std::runtime_error::runtime_error;
};
class OsErrorException : public std::runtime_error {  // -> OSError
 public:
  using std::runtime_error::runtime_error;
};

// What failed, which decides the Python exception of a non-argument error.
enum class ErrorDomain {
  kSolver,  // numerical failure -> acaode.SolverError
  kIo,      // reading or writing a file -> OSError (FileNotFoundError when missing)
};

// The one status -> exception map: OK returns; InvalidArgument / OutOfRange -> ValueError;
// NotFound -> FileNotFoundError; anything else by `domain`. The message is the status's.
void ThrowIfError(const absl::Status& status, ErrorDomain domain);

// --- Python <-> C++ values (bind_tensor.cc) ---

// None -> nullopt; "float32"/"float64", numpy.float32/float64 or a numpy.dtype -> DType;
// anything else: ValueError naming `arg`.
std::optional<DType> ParseDType(const py::handle& obj, const char* arg);
// numpy.dtype("float32") / numpy.dtype("float64").
py::object NumpyDType(DType dtype);
// A Tensor from a Tensor (returned as is, converted when `dtype` differs), a NumPy array,
// a nested sequence or a number. Non-tensors are copied; their dtype is `dtype`, else
// float32 for float32 arrays and float64 for everything else. ValueError naming `arg` for
// data that is not real numbers.
Tensor ToTensor(const py::handle& obj, std::optional<DType> dtype, const char* arg);
// A NumPy view of t's data (no copy): the array keeps t's storage alive. Read-only when t
// requires grad (writing would corrupt what the tape saved).
py::array TensorToNumpy(const Tensor& t);
// The generator used when a function's `generator` argument is None (acaode.manual_seed).
Generator& DefaultGenerator();

// --- calling back into Python (Note [GIL in solves]) ---

// Number of calls from C++ into Python code made by the bindings so far.
int64_t PythonCallbackCount();
void CountPythonCallback();

// A Python object held by C++ closures that may be copied and destroyed without the GIL
// (e.g. inside a backward pass run with the GIL released): share it through a
// shared_ptr; the destructor takes the GIL to drop the reference.
class GilSafeObject {
 public:
  explicit GilSafeObject(py::object obj) : obj_(std::move(obj)) {}
  ~GilSafeObject();
  GilSafeObject(const GilSafeObject&) = delete;
  GilSafeObject& operator=(const GilSafeObject&) = delete;
  // Use only with the GIL held.
  const py::object& get() const { return obj_; }

 private:
  py::object obj_;
};

}  // namespace acaode::bindings

#endif  // ACAODE_BINDINGS_CORE_BINDINGS_H_
