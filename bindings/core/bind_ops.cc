// The autograd library's tensor functions as acaode.<name> (snake_case of the C++ names;
// Concat is `cat`, as in NumPy's concatenate / torch.cat).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <vector>

#include "autograd/ops.h"
#include "bindings/core/bindings.h"

namespace acaode::bindings {
namespace {

std::vector<int64_t> Dims(const py::object& dim) {
  std::vector<int64_t> dims;
  if (py::isinstance<py::tuple>(dim) || py::isinstance<py::list>(dim)) {
    for (py::handle d : dim) dims.push_back(d.cast<int64_t>());
  } else {
    dims.push_back(dim.cast<int64_t>());
  }
  return dims;
}

// A Tensor as is (mixed dtypes are the op's error), other data converted to like's dtype.
Tensor Operand(const py::object& obj, const Tensor& like, const char* arg) {
  if (py::isinstance<Tensor>(obj)) return obj.cast<Tensor>();
  return ToTensor(obj, like.dtype(), arg);
}

}  // namespace

void BindOps(py::module_& m) {
  // --- unary ---
  m.def("neg", &Neg, py::arg("input"));
  m.def("exp", &Exp, py::arg("input"));
  m.def("log", &Log, py::arg("input"));
  m.def("sqrt", &Sqrt, py::arg("input"));
  m.def("abs", &Abs, py::arg("input"));
  m.def("square", &Square, py::arg("input"));
  m.def("tanh", &Tanh, py::arg("input"));
  m.def("sigmoid", &Sigmoid, py::arg("input"));
  m.def("relu", &Relu, py::arg("input"));
  m.def("softplus", &Softplus, py::arg("input"));
  m.def("sin", &Sin, py::arg("input"));
  m.def("cos", &Cos, py::arg("input"));
  m.def("pow", &Pow, py::arg("input"), py::arg("exponent"));
  m.def("clamp", &Clamp, py::arg("input"), py::arg("min"), py::arg("max"));

  // --- binary (broadcasting); the second operand may be a number or array-like ---
  using TT = Tensor (*)(const Tensor&, const Tensor&);
  using TS = Tensor (*)(const Tensor&, double);
  auto binary = [](TT tt, TS ts) {
    return [tt, ts](const Tensor& a, const py::object& b) {
      if (PyFloat_Check(b.ptr()) || PyLong_Check(b.ptr())) return ts(a, b.cast<double>());
      return tt(a, Operand(b, a, "other"));
    };
  };
  m.def("add", binary(&Add, &Add), py::arg("input"), py::arg("other"));
  m.def("sub", binary(&Sub, &Sub), py::arg("input"), py::arg("other"));
  m.def("mul", binary(&Mul, &Mul), py::arg("input"), py::arg("other"));
  m.def("div", binary(&Div, &Div), py::arg("input"), py::arg("other"));
  m.def("maximum", &Maximum, py::arg("input"), py::arg("other"));
  m.def("minimum", &Minimum, py::arg("input"), py::arg("other"));
  m.def("matmul", &MatMul, py::arg("input"), py::arg("other"));

  // --- reductions ---
  m.def(
      "sum",
      [](const Tensor& t, const py::object& dim, bool keepdim) {
        return dim.is_none() ? Sum(t) : Sum(t, Dims(dim), keepdim);
      },
      py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false);
  m.def(
      "mean",
      [](const Tensor& t, const py::object& dim, bool keepdim) {
        return dim.is_none() ? Mean(t) : Mean(t, Dims(dim), keepdim);
      },
      py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false);
  m.def(
      "max",
      [](const Tensor& t, const py::object& dim, bool keepdim) {
        return dim.is_none() ? Max(t) : Max(t, dim.cast<int64_t>(), keepdim);
      },
      py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false);
  m.def(
      "min",
      [](const Tensor& t, const py::object& dim, bool keepdim) {
        return dim.is_none() ? Min(t) : Min(t, dim.cast<int64_t>(), keepdim);
      },
      py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false);
  m.def("argmax", &ArgMax, py::arg("input"), py::arg("dim"), py::arg("keepdim") = false);
  m.def("norm", &Norm, py::arg("input"));

  // --- shape ---
  m.def("reshape", &Reshape, py::arg("input"), py::arg("shape"));
  m.def("transpose", &Transpose, py::arg("input"), py::arg("dim0"), py::arg("dim1"));
  m.def("permute", &Permute, py::arg("input"), py::arg("dims"));
  m.def("index_select", &IndexSelect, py::arg("input"), py::arg("dim"), py::arg("index"));
  m.def("cat", &Concat, py::arg("tensors"), py::arg("dim") = 0);
  m.def("stack", &Stack, py::arg("tensors"), py::arg("dim") = 0);
  m.def("split", &Split, py::arg("input"), py::arg("sizes"), py::arg("dim") = 0);
  m.def("unsqueeze", &Unsqueeze, py::arg("input"), py::arg("dim"));
  m.def("squeeze", &Squeeze, py::arg("input"), py::arg("dim"));
  m.def("flatten", &Flatten, py::arg("input"), py::arg("start_dim") = 0);
  m.def("broadcast_to", &BroadcastTo, py::arg("input"), py::arg("shape"));
}

}  // namespace acaode::bindings
