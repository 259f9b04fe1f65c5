// The pybind11 module acaode._core: translation only. Each part of the C++ API is bound in
// its own file (bind_*.cc) through a Bind*(py::module_&) function declared in bindings.h.
#include <pybind11/pybind11.h>

#include "bindings/core/bindings.h"

PYBIND11_MODULE(_core, m) {
  m.doc() = "acaode C++ core (autograd, solvers, gradient methods); use the acaode package.";
  acaode::bindings::BindAll(m);
  // Note [Post-backward hooks] (bind_tensor.cc): callables run after Tensor.backward.
  m.attr("_post_backward_hooks") = pybind11::list();
}
