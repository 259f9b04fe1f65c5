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
  m.def("neg", &Neg, py::arg("input"),
        "-x elementwise: a new tensor of input's shape and dtype. Differentiable (d/dx = -1).");
  m.def("exp", &Exp, py::arg("input"),
        "e^x elementwise: a new tensor of input's shape and dtype. Differentiable "
        "(d/dx = e^x).");
  m.def("log", &Log, py::arg("input"),
        "Natural logarithm elementwise (-inf at 0 and NaN for x < 0; no error). Same shape and "
        "dtype as input. Differentiable (d/dx = 1/x).");
  m.def("sqrt", &Sqrt, py::arg("input"),
        "Square root elementwise (NaN for x < 0; no error). Same shape and dtype as input. "
        "Differentiable (d/dx = 1 / (2 sqrt(x)), infinite at 0).");
  m.def("abs", &Abs, py::arg("input"),
        "|x| elementwise. Same shape and dtype as input. Differentiable with gradient sign(x) "
        "(0 at x == 0).");
  m.def("square", &Square, py::arg("input"),
        "x^2 elementwise. Same shape and dtype as input. Differentiable (d/dx = 2x).");
  m.def("tanh", &Tanh, py::arg("input"),
        "Hyperbolic tangent elementwise. Same shape and dtype as input. Differentiable "
        "(d/dx = 1 - tanh(x)^2).");
  m.def("sigmoid", &Sigmoid, py::arg("input"),
        "sigmoid(x) = 1 / (1 + exp(-x)) elementwise, computed stably for both signs. Same shape "
        "and dtype as input. Differentiable (d/dx = s (1 - s) with s = sigmoid(x)).");
  m.def("relu", &Relu, py::arg("input"),
        "relu(x) = max(x, 0) elementwise. Same shape and dtype as input. Differentiable with "
        "gradient 1 where x > 0, else 0 (0 at x == 0).");
  m.def("softplus", &Softplus, py::arg("input"),
        "softplus(x) = log(1 + exp(x)) elementwise (beta = 1), computed stably as "
        "max(x, 0) + log1p(exp(-|x|)). Same shape and dtype as input. Differentiable "
        "(d/dx = sigmoid(x)).");
  m.def("sin", &Sin, py::arg("input"),
        "Sine elementwise (radians). Same shape and dtype as input. Differentiable "
        "(d/dx = cos(x)).");
  m.def("cos", &Cos, py::arg("input"),
        "Cosine elementwise (radians). Same shape and dtype as input. Differentiable "
        "(d/dx = -sin(x)).");
  m.def("pow", &Pow, py::arg("input"), py::arg("exponent"),
        "x^p elementwise for a real number p (a Python number, not a tensor); NaN where x < 0 "
        "and p is not an integer. Same shape and dtype as input. Differentiable in x "
        "(d/dx = p x^(p-1)).");
  m.def("clamp", &Clamp, py::arg("input"), py::arg("min"), py::arg("max"),
        "min(max(x, min), max) elementwise; both bounds are required numbers. Same shape and "
        "dtype as input. Differentiable: the gradient passes unchanged where "
        "min <= x <= max (the bounds included) and is 0 outside. ValueError if min > max.");

  // --- binary (broadcasting); the second operand may be a number or array-like ---
  using TT = Tensor (*)(const Tensor&, const Tensor&);
  using TS = Tensor (*)(const Tensor&, double);
  auto binary = [](TT tt, TS ts) {
    return [tt, ts](const Tensor& a, const py::object& b) {
      if (PyFloat_Check(b.ptr()) || PyLong_Check(b.ptr())) return ts(a, b.cast<double>());
      return tt(a, Operand(b, a, "other"));
    };
  };
  m.def("add", binary(&Add, &Add), py::arg("input"), py::arg("other"),
        "input + other elementwise with NumPy broadcasting. other: a Tensor of input's dtype "
        "(ValueError for another dtype), a Python number, or array-like data (converted to "
        "input's dtype). Differentiable in both tensor operands; a broadcast operand's gradient "
        "is summed over the stretched dims. ValueError for shapes that do not broadcast.");
  m.def("sub", binary(&Sub, &Sub), py::arg("input"), py::arg("other"),
        "input - other elementwise with NumPy broadcasting. other: a Tensor of input's dtype "
        "(ValueError for another dtype), a Python number, or array-like data (converted to "
        "input's dtype). Differentiable in both tensor operands. ValueError for shapes that do "
        "not broadcast.");
  m.def("mul", binary(&Mul, &Mul), py::arg("input"), py::arg("other"),
        "input * other elementwise with NumPy broadcasting. other: a Tensor of input's dtype "
        "(ValueError for another dtype), a Python number, or array-like data (converted to "
        "input's dtype). Differentiable in both tensor operands. ValueError for shapes that do "
        "not broadcast.");
  m.def("div", binary(&Div, &Div), py::arg("input"), py::arg("other"),
        "input / other elementwise with NumPy broadcasting (division by zero gives inf or NaN, "
        "no error). other: a Tensor of input's dtype (ValueError for another dtype), a Python "
        "number, or array-like data (converted to input's dtype). Differentiable in both tensor "
        "operands. ValueError for shapes that do not broadcast.");
  m.def("maximum", &Maximum, py::arg("input"), py::arg("other"),
        "Elementwise max(input, other) of two Tensors of one dtype, with NumPy broadcasting "
        "(numbers are not accepted: use clamp). Differentiable: the gradient goes to the larger "
        "operand, half to each where they are equal. ValueError for mismatched dtypes or "
        "shapes that do not broadcast.");
  m.def("minimum", &Minimum, py::arg("input"), py::arg("other"),
        "Elementwise min(input, other) of two Tensors of one dtype, with NumPy broadcasting "
        "(numbers are not accepted: use clamp). Differentiable: the gradient goes to the smaller "
        "operand, half to each where they are equal. ValueError for mismatched dtypes or "
        "shapes that do not broadcast.");
  m.def("matmul", &MatMul, py::arg("input"), py::arg("other"),
        "Matrix product of two Tensors of one dtype: [M, K] @ [K, N] -> [M, N]; batched "
        "[..., M, K] @ [..., K, N] -> [..., M, N] with identical leading dims (no batch "
        "broadcasting); [..., M, K] @ [K, N] shares the right factor; [K] @ [K, N] -> [N]; "
        "[..., M, K] @ [K] -> [..., M]; [K] @ [K] -> 0-d. Differentiable in both. ValueError "
        "when inner sizes, batch dims or dtypes differ, for a 0-d operand, or for a 2-D left "
        "factor with a batched right one.");

  // --- reductions ---
  m.def(
      "sum",
      [](const Tensor& t, const py::object& dim, bool keepdim) {
        return dim.is_none() ? Sum(t) : Sum(t, Dims(dim), keepdim);
      },
      py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false,
      "Sum of the elements: of all of them (a 0-d tensor) when dim is None, else over dim, an "
      "int or a tuple/list of distinct ints (negative ones count from the end); keepdim=True "
      "keeps the reduced dims with size 1. Same dtype as input. Differentiable (the gradient is "
      "broadcast back). ValueError for a dim out of range or repeated.");
  m.def(
      "mean",
      [](const Tensor& t, const py::object& dim, bool keepdim) {
        return dim.is_none() ? Mean(t) : Mean(t, Dims(dim), keepdim);
      },
      py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false,
      "Arithmetic mean: of all elements (a 0-d tensor) when dim is None, else over dim, an int "
      "or a tuple/list of distinct ints (negative ones count from the end); keepdim=True keeps "
      "the reduced dims with size 1. Same dtype as input. Differentiable. ValueError for a dim "
      "out of range or repeated, or a mean over zero elements.");
  m.def(
      "max",
      [](const Tensor& t, const py::object& dim, bool keepdim) {
        return dim.is_none() ? Max(t) : Max(t, dim.cast<int64_t>(), keepdim);
      },
      py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false,
      "Largest value: of all elements (a 0-d tensor) when dim is None, else along dim, a single "
      "int (negative counts from the end); keepdim=True keeps that dim with size 1. Values "
      "only, no indices (see argmax). Differentiable: the gradient goes to the first maximum. "
      "ValueError for an empty input or a dim out of range.");
  m.def(
      "min",
      [](const Tensor& t, const py::object& dim, bool keepdim) {
        return dim.is_none() ? Min(t) : Min(t, dim.cast<int64_t>(), keepdim);
      },
      py::arg("input"), py::arg("dim") = py::none(), py::arg("keepdim") = false,
      "Smallest value: of all elements (a 0-d tensor) when dim is None, else along dim, a "
      "single int (negative counts from the end); keepdim=True keeps that dim with size 1. "
      "Values only, no indices. Differentiable: the gradient goes to the first minimum. "
      "ValueError for an empty input or a dim out of range.");
  m.def("argmax", &ArgMax, py::arg("input"), py::arg("dim"), py::arg("keepdim") = false,
        "Index of the first maximum along dim (a required int; negative counts from the end), "
        "returned as a tensor of input's float dtype (there are no integer tensors). Not "
        "differentiable (records no graph). ValueError for a dim out of range or empty.");
  m.def("norm", &Norm, py::arg("input"),
        "Euclidean (Frobenius) norm sqrt(sum(x^2)) over all elements, as a 0-d tensor of "
        "input's dtype (no p or dim arguments); scaled internally so large values do not "
        "overflow. Differentiable: gradient x / norm, 0 where the norm is 0. CPU tensors only "
        "(RuntimeError for CUDA tensors).");

  // --- shape ---
  m.def("reshape", &Reshape, py::arg("input"), py::arg("shape"),
        "The same elements with a new shape (a sequence of ints; one entry may be -1, "
        "inferred). A view sharing input's storage; differentiable. ValueError if the element "
        "counts differ.");
  m.def("transpose", &Transpose, py::arg("input"), py::arg("dim0"), py::arg("dim1"),
        "Swaps dims dim0 and dim1 (negative ones count from the end). Returns a copy, not a "
        "view; differentiable. ValueError for a dim out of range.");
  m.def("permute", &Permute, py::arg("input"), py::arg("dims"),
        "Reorders the dims: output dim i is input dim dims[i]; dims must be a permutation of all "
        "of input's dims (negative ones count from the end). Returns a copy; differentiable. "
        "ValueError otherwise.");
  m.def("index_select", &IndexSelect, py::arg("input"), py::arg("dim"), py::arg("index"),
        "Picks the entries index (a sequence of ints; repeats allowed, negative ones count from "
        "the end) along dim: a copy whose size(dim) is len(index). Differentiable (the gradient "
        "is scatter-added back). CPU tensors only (RuntimeError for CUDA). ValueError for an "
        "index or dim out of range.");
  m.def("cat", &Concat, py::arg("tensors"), py::arg("dim") = 0,
        "Concatenates a non-empty sequence of tensors along the existing dim; all other dims, "
        "the dtypes and the devices must agree (else ValueError). Returns a copy; "
        "differentiable in every input.");
  m.def("stack", &Stack, py::arg("tensors"), py::arg("dim") = 0,
        "Joins a non-empty sequence of equally shaped tensors of one dtype along a new dim "
        "inserted at position dim (in [-ndim - 1, ndim]). Returns a copy; differentiable in "
        "every input. ValueError for differing shapes or dtypes.");
  m.def("split", &Split, py::arg("input"), py::arg("sizes"), py::arg("dim") = 0,
        "Cuts input along dim into consecutive pieces of the given sizes (a sequence of "
        "non-negative ints summing to input.size(dim); a single int is not accepted) and returns "
        "them as a list. Differentiable; pieces share storage when contiguous (e.g. along dim "
        "0). ValueError when the sizes do not add up.");
  m.def("unsqueeze", &Unsqueeze, py::arg("input"), py::arg("dim"),
        "Inserts a dim of size 1 at position dim (in [-ndim - 1, ndim]). A view sharing "
        "input's storage; differentiable.");
  m.def("squeeze", &Squeeze, py::arg("input"), py::arg("dim"),
        "Removes dim, which must have size 1 (dim is required; ValueError otherwise). A view "
        "sharing input's storage; differentiable.");
  m.def("flatten", &Flatten, py::arg("input"), py::arg("start_dim") = 0,
        "Collapses dims start_dim..last into one (a 0-d input gives shape [1]). A view sharing "
        "input's storage; differentiable.");
  m.def("broadcast_to", &BroadcastTo, py::arg("input"), py::arg("shape"),
        "A copy of input stretched to shape by NumPy broadcasting (size-1 or missing leading "
        "dims stretch). Differentiable: the gradient is summed over the stretched dims. "
        "ValueError if input's shape does not broadcast to shape.");
}

}  // namespace acaode::bindings
