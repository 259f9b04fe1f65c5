// Declarations of the binding functions that module.cc calls, one per bind_*.cc file.
#ifndef ACAODE_BINDINGS_CORE_BINDINGS_H_
#define ACAODE_BINDINGS_CORE_BINDINGS_H_

#include <pybind11/pybind11.h>

namespace acaode::bindings {

// Binds every part of the C++ API into `m` (bind_all.cc lists them in dependency order).
void BindAll(pybind11::module_& m);

// Build facts: whether CUDA kernels were compiled in, the compiler, the SIMD level.
void BindBuildInfo(pybind11::module_& m);

}  // namespace acaode::bindings

#endif  // ACAODE_BINDINGS_CORE_BINDINGS_H_
