// acaode.Tensor and its creation functions, dtypes, the default Generator and grad mode.
//
// NumPy in and out (no needless copies):
//  * Tensor.numpy() returns a view of the tensor's storage (no copy); the array keeps the
//    storage alive. It is read-only when the tensor requires grad, since the tape may have
//    saved the values. A view sees later in-place updates (optimizer steps): .copy() it to
//    keep a snapshot.
//  * acaode.from_numpy(a) shares a's memory (float32/float64, C-contiguous, writeable);
//    acaode.tensor(data) copies, as torch.tensor does.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "autograd/autograd.h"
#include "bindings/core/bindings.h"
#include "bindings/core/sigint.h"

namespace acaode::bindings {
namespace {

// Messages of failures inside a gradient method's backward solve (aca/*.cc), which
// Tensor.backward reports as acaode.SolverError rather than a plain RuntimeError.
bool IsBackwardSolverFailure(const std::string& message) {
  return message.rfind("CheckpointAdjointBackward:", 0) == 0 ||
         message.rfind("ContinuousAdjointBackward:", 0) == 0 ||
         message.rfind("NaiveBackward:", 0) == 0;
}

py::module_ Numpy() { return py::module_::import("numpy"); }

// Sizes from f(2, 3) or f((2, 3)) / f([2, 3]).
Shape ParseShape(const py::args& args) {
  Shape shape;
  if (args.size() == 1 &&
      (py::isinstance<py::tuple>(args[0]) || py::isinstance<py::list>(args[0]))) {
    for (py::handle d : args[0]) shape.push_back(d.cast<int64_t>());
    return shape;
  }
  for (py::handle d : args) shape.push_back(d.cast<int64_t>());
  return shape;
}

DType DTypeOr(const py::object& dtype, const char* arg, DType fallback) {
  std::optional<DType> d = ParseDType(dtype, arg);
  return d ? *d : fallback;
}

Tensor WithGrad(Tensor t, bool requires_grad) {
  if (requires_grad) t.set_requires_grad(true);
  return t;
}

py::tuple ShapeTuple(const Shape& shape) {
  py::tuple out(shape.size());
  for (size_t i = 0; i < shape.size(); ++i) out[i] = py::int_(shape[i]);
  return out;
}

std::vector<int64_t> ParseDims(const py::handle& dim) {
  std::vector<int64_t> dims;
  if (py::isinstance<py::tuple>(dim) || py::isinstance<py::list>(dim)) {
    for (py::handle d : dim) dims.push_back(d.cast<int64_t>());
  } else {
    dims.push_back(dim.cast<int64_t>());
  }
  return dims;
}

// A number that is not an array: Python float/int/bool or a NumPy scalar.
bool IsScalar(const py::handle& obj) {
  if (PyFloat_Check(obj.ptr()) || PyLong_Check(obj.ptr())) return true;
  return py::isinstance(obj, Numpy().attr("number")) || py::isinstance(obj, Numpy().attr("bool_"));
}

bool IsArrayLike(const py::handle& obj) {
  return py::isinstance<Tensor>(obj) || py::isinstance<py::array>(obj) ||
         py::isinstance<py::list>(obj) || py::isinstance<py::tuple>(obj);
}

// A Tensor operand as is (mixed dtypes are the op's error), other data as like's dtype.
Tensor AsOperand(const py::object& obj, const Tensor& like) {
  if (py::isinstance<Tensor>(obj)) return obj.cast<Tensor>();
  return ToTensor(obj, like.dtype(), "other");
}

// Binary operator with a Tensor, a number or array-like data (converted to self's dtype);
// NotImplemented for anything else, so Python tries the reflected operation.
template <class TensorOp, class ScalarOp>
py::object Binary(const Tensor& self, const py::object& other, TensorOp tensor_op,
                  ScalarOp scalar_op) {
  if (IsScalar(other)) return py::cast(scalar_op(self, other.cast<double>()));
  if (py::isinstance<Tensor>(other)) return py::cast(tensor_op(self, other.cast<Tensor>()));
  if (IsArrayLike(other)) {
    return py::cast(tensor_op(self, ToTensor(other, self.dtype(), "other")));
  }
  return py::reinterpret_borrow<py::object>(Py_NotImplemented);
}

// t[key] for an int, a slice, None, Ellipsis, a sequence of ints, or a tuple of those.
Tensor Index(const Tensor& t, const py::object& key) {
  std::vector<py::object> items;
  if (py::isinstance<py::tuple>(key)) {
    for (py::handle item : key) items.push_back(py::reinterpret_borrow<py::object>(item));
  } else {
    items.push_back(key);
  }
  int64_t consuming = 0;
  bool has_ellipsis = false;
  for (const py::object& item : items) {
    if (item.is(py::ellipsis())) {
      if (has_ellipsis) throw py::index_error("an index can only have one ellipsis ('...')");
      has_ellipsis = true;
    } else if (!item.is_none()) {
      ++consuming;
    }
  }
  if (consuming > t.dim()) {
    throw py::index_error(absl::StrCat("too many indices for a tensor of dimension ", t.dim(), ": ",
                                       consuming, " given"));
  }
  Tensor result = t;
  int64_t dim = 0;
  for (const py::object& item : items) {
    if (item.is(py::ellipsis())) {
      dim += t.dim() - consuming;
    } else if (item.is_none()) {
      result = Unsqueeze(result, dim);
      ++dim;
    } else if (py::isinstance<py::slice>(item)) {
      const int64_t n = result.size(dim);
      py::ssize_t start, stop, step, length;
      if (!py::reinterpret_borrow<py::slice>(item).compute(n, &start, &stop, &step, &length)) {
        throw py::error_already_set();
      }
      if (step == 1) {
        result = Slice(result, dim, start, start + length);
      } else {
        std::vector<int64_t> picks(length);
        for (py::ssize_t k = 0; k < length; ++k) picks[k] = start + k * step;
        result = IndexSelect(result, dim, picks);
      }
      ++dim;
    } else if (PyIndex_Check(item.ptr()) && !py::isinstance<py::array>(item)) {
      const int64_t n = result.size(dim);
      int64_t i = py::reinterpret_steal<py::object>(PyNumber_Index(item.ptr())).cast<int64_t>();
      if (i < -n || i >= n) {
        throw py::index_error(
            absl::StrCat("index ", i, " is out of range for dimension ", dim, " of size ", n));
      }
      if (i < 0) i += n;
      result = dim == 0 ? result[i] : Squeeze(Slice(result, dim, i, i + 1), dim);
    } else if (py::isinstance<py::list>(item) || py::isinstance<py::array>(item)) {
      py::array_t<int64_t> picks = Numpy().attr("asarray")(item, "int64");
      if (picks.ndim() != 1) throw py::index_error("an index array must be 1-D");
      std::vector<int64_t> v(picks.data(), picks.data() + picks.size());
      result = IndexSelect(result, dim, v);
      ++dim;
    } else {
      throw py::type_error(
          absl::StrCat("tensor indices must be ints, slices, None, ..., or lists of ints, not ",
                       std::string(py::str(item.get_type().attr("__name__")))));
    }
  }
  return result;
}

std::string Repr(const Tensor& t) {
  std::string out = absl::StrCat(
      "acaode.tensor(",
      std::string(py::str(Numpy().attr("array2string")(
          TensorToNumpy(t), py::arg("separator") = ", ", py::arg("prefix") = "acaode.tensor("))));
  if (t.dtype() != DType::kFloat64) absl::StrAppend(&out, ", dtype=", DTypeName(t.dtype()));
  if (t.grad_fn()) {
    absl::StrAppend(&out, ", grad_fn=", t.grad_fn()->name());
  } else if (t.requires_grad()) {
    absl::StrAppend(&out, ", requires_grad=True");
  }
  return out + ")";
}

// Grad mode as a context manager: `with acaode.no_grad(): ...`.
class GradModeContext {
 public:
  explicit GradModeContext(bool enabled) : enabled_(enabled) {}
  void Enter() {
    previous_ = IsGradEnabled();
    SetGradEnabled(enabled_);
  }
  void Exit() { SetGradEnabled(previous_); }

 private:
  bool enabled_;
  bool previous_ = true;
};

}  // namespace

std::optional<DType> ParseDType(const py::handle& obj, const char* arg) {
  if (obj.is_none()) return std::nullopt;
  std::string name;
  try {
    name = py::str(Numpy().attr("dtype")(obj).attr("name"));
  } catch (const py::error_already_set&) {
    throw py::value_error(absl::StrCat(arg, ": ", std::string(py::repr(obj)),
                                       " is not a dtype; use float32 or float64"));
  }
  if (name == "float32") return DType::kFloat32;
  if (name == "float64") return DType::kFloat64;
  throw py::value_error(
      absl::StrCat(arg, ": dtype ", name, " is not supported; use float32 or float64"));
}

py::object NumpyDType(DType dtype) { return Numpy().attr("dtype")(DTypeName(dtype)); }

Tensor ToTensor(const py::handle& obj, std::optional<DType> dtype, const char* arg) {
  if (py::isinstance<Tensor>(obj)) {
    Tensor t = obj.cast<Tensor>();
    if (!t.defined()) throw py::value_error(absl::StrCat(arg, ": the tensor is undefined"));
    return dtype && *dtype != t.dtype() ? t.to(*dtype) : t;
  }
  py::object arr;
  try {
    arr = Numpy().attr("asarray")(obj);
  } catch (const py::error_already_set& e) {
    throw py::value_error(absl::StrCat(arg, ": cannot make a tensor from ",
                                       std::string(py::repr(obj.get_type())), ": ", e.what()));
  }
  const std::string kind = py::str(arr.attr("dtype").attr("kind"));
  if (kind != "f" && kind != "i" && kind != "u" && kind != "b") {
    throw py::value_error(absl::StrCat(
        arg, ": data of dtype ", std::string(py::str(arr.attr("dtype"))), " is not real numbers"));
  }
  const bool is_f32 = std::string(py::str(arr.attr("dtype").attr("name"))) == "float32";
  const DType d = dtype ? *dtype : (is_f32 ? DType::kFloat32 : DType::kFloat64);
  Shape shape;
  for (py::handle s : arr.attr("shape")) shape.push_back(s.cast<int64_t>());
  if (d == DType::kFloat64) {
    auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(arr);
    return FromData(a.data(), shape);
  }
  auto a = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(arr);
  return FromData(a.data(), shape);
}

py::array TensorToNumpy(const Tensor& t) {
  if (!t.defined()) throw py::value_error("numpy: the tensor is undefined");
  if (t.device() != Device::kCpu) {
    throw RuntimeError("numpy: the tensor is on the GPU; move it to the CPU first");
  }
  const py::ssize_t itemsize = static_cast<py::ssize_t>(DTypeSize(t.dtype()));
  std::vector<py::ssize_t> shape(t.shape().begin(), t.shape().end());
  std::vector<py::ssize_t> strides(shape.size());
  py::ssize_t stride = itemsize;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= shape[i];
  }
  // The capsule owns a handle to the tensor, hence its storage, for the array's life.
  py::capsule base(new Tensor(t), [](void* p) { delete static_cast<Tensor*>(p); });
  py::array out(py::dtype(DTypeName(t.dtype())), shape, strides, t.raw_data(), base);
  if (t.requires_grad()) out.attr("setflags")(py::arg("write") = false);
  return out;
}

Generator& DefaultGenerator() {
  static Generator* generator = new Generator(0);
  return *generator;
}

void BindTensor(py::module_& m) {
  py::class_<Generator>(m, "Generator", py::is_final(),
                        "A seeded random number generator (xoshiro256**); the same seed "
                        "gives the same numbers on every platform.")
      .def(py::init<uint64_t>(), py::arg("seed"),
           "A generator seeded with seed (an int in [0, 2^64)).")
      .def_property_readonly("seed", &Generator::seed, "The seed this generator was created with.")
      .def("__repr__", [](const Generator& g) {
        return absl::StrCat("acaode.Generator(seed=", g.seed(), ")");
      });
  m.def(
      "manual_seed", [](uint64_t seed) { DefaultGenerator() = Generator(seed); }, py::arg("seed"),
      "Reseeds the default generator (used by randn, rand and layer initialisation when "
      "no generator is given).");

  py::class_<Tensor> cls(m, "Tensor", py::is_final(),
                         "An n-dimensional float32/float64 array with reverse-mode automatic "
                         "differentiation. Create with acaode.tensor(...).");
  cls.attr("__array_ufunc__") = py::none();  // ndarray (op) Tensor defers to Tensor
  cls.def(py::init([](const py::object& data, const py::object& dtype, bool requires_grad) {
            return WithGrad(ToTensor(data, ParseDType(dtype, "dtype"), "data").detach().clone(),
                            requires_grad);
          }),
          py::arg("data"), py::arg("dtype") = py::none(), py::arg("requires_grad") = false,
          "Same as acaode.tensor(data, dtype, requires_grad): a new leaf tensor holding a copy "
          "of data (a NumPy array, nested lists, a number or a Tensor). dtype: float32 or "
          "float64 (default: float32 for float32 arrays, else float64).");

  // --- metadata ---
  cls.def_property_readonly(
         "shape", [](const Tensor& t) { return ShapeTuple(t.shape()); },
         "The size of every dim, as a tuple of ints (() for a 0-d tensor).")
      .def_property_readonly("ndim", &Tensor::dim, "The number of dims (0 for a 0-d tensor).")
      .def_property_readonly(
          "dtype", [](const Tensor& t) { return NumpyDType(t.dtype()); },
          "The element type as a numpy.dtype: float32 or float64.")
      .def_property_readonly(
          "device", [](const Tensor& t) { return std::string(DeviceName(t.device())); },
          "Where the data lives: 'cpu' or 'cuda'.")
      .def("numel", &Tensor::numel, "The number of elements (the product of the shape).")
      .def(
          "size",
          [](const Tensor& t, const py::object& dim) -> py::object {
            if (dim.is_none()) return ShapeTuple(t.shape());
            return py::int_(t.size(dim.cast<int64_t>()));
          },
          py::arg("dim") = py::none(),
          "The shape as a tuple when dim is None, else the size of dim (an int; negative "
          "counts from the end; ValueError when out of range).")
      .def(
          "__len__",
          [](const Tensor& t) {
            if (t.dim() == 0) throw py::type_error("len() of a 0-d tensor");
            return t.size(0);
          },
          "len(t): the size of dim 0 (TypeError for a 0-d tensor).")
      .def("__repr__", &Repr);

  // --- data ---
  cls.def("numpy", &TensorToNumpy,
          "A NumPy view of the data (no copy; read-only when the tensor requires grad).")
      .def(
          "__array__",
          [](const Tensor& t, const py::object& dtype, const py::object& copy) {
            py::object a = TensorToNumpy(t);
            if (!dtype.is_none()) a = a.attr("astype")(dtype);
            if (!copy.is_none() && copy.cast<bool>()) a = a.attr("copy")();
            return a;
          },
          py::arg("dtype") = py::none(), py::arg("copy") = py::none(),
          "NumPy's array protocol (numpy.asarray(t)): the numpy() view, converted to dtype "
          "and/or copied when asked. CPU tensors only (RuntimeError for CUDA).")
      .def("item", &Tensor::item,
           "The value of a one-element tensor as a Python float (copied from the GPU when "
           "there). ValueError unless numel() == 1.")
      .def("__float__", &Tensor::item,
           "float(t): the value of a one-element tensor (ValueError unless numel() == 1).")
      .def(
          "tolist", [](const Tensor& t) { return TensorToNumpy(t).attr("tolist")(); },
          "The data as nested Python lists of floats (a float for a 0-d tensor). CPU tensors "
          "only (RuntimeError for CUDA).")
      .def(
          "copy_",
          [](Tensor& t, const py::object& src) -> Tensor& {
            CopyInPlace(t, ToTensor(src, t.dtype(), "src"));
            return t;
          },
          py::arg("src"),
          "Writes src's values into this tensor's storage and returns this tensor. src: a "
          "Tensor or array-like data of exactly this shape (converted to this dtype; "
          "ValueError for another shape). No autograd: RuntimeError if this tensor requires "
          "grad while grad mode is on (use it inside acaode.no_grad()).")
      .def(
          "fill_",
          [](Tensor& t, double value) -> Tensor& {
            FillInPlace(t, value);
            return t;
          },
          py::arg("value"),
          "Sets every element to value in place and returns this tensor. No autograd: "
          "RuntimeError if this tensor requires grad while grad mode is on (use it inside "
          "acaode.no_grad()).");

  // --- autograd ---
  cls.def_property(
         "requires_grad", [](const Tensor& t) { return t.requires_grad(); },
         [](Tensor& t, bool r) { t.set_requires_grad(r); },
         "Whether autograd tracks this tensor: ops on it record a graph and backward() "
         "accumulates into the .grad of such leaves. Settable on leaves only (ValueError on a "
         "computed tensor: detach() it first).")
      .def(
          "requires_grad_", [](Tensor& t, bool r) -> Tensor& { return t.set_requires_grad(r); },
          py::arg("requires_grad") = true,
          "Sets requires_grad in place and returns this tensor. Leaves only (ValueError on a "
          "computed tensor).")
      .def_property(
          "grad",
          [](const Tensor& t) -> std::optional<Tensor> {
            if (!t.grad().defined()) return std::nullopt;
            return t.grad();
          },
          [](Tensor& t, const py::object& g) {
            if (g.is_none()) {
              t.zero_grad();
            } else {
              t.set_grad(ToTensor(g, t.dtype(), "grad"));
            }
          },
          "The gradient accumulated (+=) by backward() into this leaf, a Tensor of its shape "
          "and dtype, or None before any backward reached it. Assign None to reset it, or a "
          "Tensor / array-like of this shape (converted to this dtype; ValueError for another "
          "shape).")
      .def_property_readonly("is_leaf", &Tensor::is_leaf,
                             "True for a tensor not computed by a recorded op (created by the "
                             "user, or under no_grad()); backward() writes the .grad of leaves "
                             "only.")
      .def_property_readonly(
          "grad_fn",
          [](const Tensor& t) -> std::optional<std::string> {
            if (!t.grad_fn()) return std::nullopt;
            return t.grad_fn()->name();
          },
          "The name of the recorded op that computed this tensor (e.g. 'MulBackward'), or None "
          "for a leaf.")
      .def(
          "backward",
          [](const Tensor& t, const py::object& grad, bool retain_graph) {
            Tensor g;
            if (!grad.is_none()) g = ToTensor(grad, t.dtype(), "grad");
            {
              SigintScope sigint;              // Note [Interrupting a solve]
              py::gil_scoped_release release;  // Note [GIL in solves]
              try {
                t.backward(g, retain_graph);
              } catch (const RuntimeError& e) {
                if (IsBackwardSolverFailure(e.what())) throw SolverErrorException(e.what());
                throw;
              }
            }
            // Note [Post-backward hooks]: each callable in acaode._core._post_backward_hooks
            // runs, in order, once the gradients are in .grad (acaode.distributed averages
            // them across processes here).
            const py::list hooks = py::module_::import("acaode._core").attr("_post_backward_hooks");
            for (const py::handle hook : hooks) hook();
          },
          py::arg("grad") = py::none(), py::arg("retain_graph") = false,
          "Back-propagates from this tensor into the .grad of every leaf that requires "
          "grad. grad may be omitted for a one-element tensor. Runs without the GIL; then "
          "runs the post-backward hooks (acaode.distributed's gradient averaging).")
      .def("detach", &Tensor::detach,
           "A view sharing this tensor's storage, with no graph and not requiring grad.")
      .def("clone", &Tensor::clone,
           "A copy with its own storage on the same device; differentiable (the gradient passes "
           "through unchanged).")
      .def(
          "to",
          [](const Tensor& t, const py::object& dtype) {
            return t.to(*ParseDType(dtype, "dtype"));
          },
          py::arg("dtype"),
          "A copy converted to dtype (float32 or float64); differentiable; this tensor itself "
          "when it already has that dtype.");

  // --- shape and reductions as methods ---
  cls.def(
         "reshape",
         [](const Tensor& t, const py::args& shape) { return t.reshape(ParseShape(shape)); },
         "The same data with a new shape, given as ints or one tuple/list (t.reshape(2, -1) or "
         "t.reshape((2, -1)); one entry may be -1, inferred). A view sharing storage; "
         "differentiable. ValueError if the element counts differ.")
      .def(
          "view",
          [](const Tensor& t, const py::args& shape) { return t.reshape(ParseShape(shape)); },
          "Same as reshape(*shape) (every tensor is contiguous, so it is always a view).")
      .def(
          "flatten", [](const Tensor& t, int64_t start_dim) { return Flatten(t, start_dim); },
          py::arg("start_dim") = 0,
          "Collapses dims start_dim..last into one (a 0-d tensor gives shape [1]). A view; "
          "differentiable.")
      .def("transpose", &Transpose, py::arg("dim0"), py::arg("dim1"),
           "Swaps dims dim0 and dim1 (negative ones count from the end). Returns a copy, not a "
           "view; differentiable.")
      .def(
          "permute",
          [](const Tensor& t, const py::args& dims) { return Permute(t, ParseShape(dims)); },
          "Reorders the dims, given as ints or one tuple/list: output dim i is dim dims[i]. "
          "Returns a copy; differentiable. ValueError unless dims is a permutation.")
      .def("unsqueeze", &Unsqueeze, py::arg("dim"),
           "Inserts a dim of size 1 at position dim (in [-ndim - 1, ndim]). A view; "
           "differentiable.")
      .def("squeeze", &Squeeze, py::arg("dim"),
           "Removes dim, which must have size 1 (dim is required; ValueError otherwise). A "
           "view; differentiable.")
      .def_property_readonly(
          "T",
          [](const Tensor& t) {
            if (t.dim() != 2) throw py::value_error("T: the tensor must be 2-D");
            return Transpose(t, 0, 1);
          },
          "The transpose of a 2-D tensor (a copy; differentiable). ValueError for other "
          "ranks.");
  auto reduce = [](Tensor (*all)(const Tensor&),
                   Tensor (*over)(const Tensor&, const std::vector<int64_t>&, bool)) {
    return [all, over](const Tensor& t, const py::object& dim, bool keepdim) {
      if (dim.is_none()) return all(t);
      return over(t, ParseDims(dim), keepdim);
    };
  };
  auto extreme = [](Tensor (*all)(const Tensor&), Tensor (*over)(const Tensor&, int64_t, bool)) {
    return [all, over](const Tensor& t, const py::object& dim, bool keepdim) {
      if (dim.is_none()) return all(t);
      return over(t, dim.cast<int64_t>(), keepdim);
    };
  };
  cls.def("sum", reduce(&Sum, &Sum), py::arg("dim") = py::none(), py::arg("keepdim") = false,
          "Sum of all elements (0-d) when dim is None, else over dim: an int or a tuple/list "
          "of distinct ints; keepdim=True keeps the reduced dims with size 1. Differentiable. "
          "ValueError for a dim out of range or repeated.")
      .def("mean", reduce(&Mean, &Mean), py::arg("dim") = py::none(), py::arg("keepdim") = false,
           "Mean of all elements (0-d) when dim is None, else over dim: an int or a tuple/list "
           "of distinct ints; keepdim=True keeps the reduced dims with size 1. Differentiable. "
           "ValueError for a bad dim or a mean over zero elements.")
      .def("max", extreme(&Max, &Max), py::arg("dim") = py::none(), py::arg("keepdim") = false,
           "Largest value of all elements (0-d) when dim is None, else along dim (a single "
           "int); values only, no indices. Differentiable: the gradient goes to the first "
           "maximum. ValueError for an empty input or a dim out of range.")
      .def("min", extreme(&Min, &Min), py::arg("dim") = py::none(), py::arg("keepdim") = false,
           "Smallest value of all elements (0-d) when dim is None, else along dim (a single "
           "int); values only, no indices. Differentiable: the gradient goes to the first "
           "minimum. ValueError for an empty input or a dim out of range.")
      .def("norm", &Norm,
           "Euclidean (Frobenius) norm sqrt(sum(x^2)) over all elements, as a 0-d tensor. "
           "Differentiable (gradient x / norm, 0 where the norm is 0). CPU tensors only "
           "(RuntimeError for CUDA).");
  cls.def("exp", &Exp, "e^x elementwise; differentiable (d/dx = e^x).")
      .def("log", &Log,
           "Natural logarithm elementwise (-inf at 0, NaN for x < 0); differentiable "
           "(d/dx = 1/x).")
      .def("sqrt", &Sqrt,
           "Square root elementwise (NaN for x < 0); differentiable (d/dx = 1 / (2 sqrt(x))).")
      .def("abs", &Abs, "|x| elementwise; differentiable with gradient sign(x) (0 at x == 0).")
      .def("square", &Square, "x^2 elementwise; differentiable (d/dx = 2x).")
      .def("tanh", &Tanh, "Hyperbolic tangent elementwise; differentiable (d/dx = 1 - tanh(x)^2).")
      .def("sigmoid", &Sigmoid,
           "1 / (1 + exp(-x)) elementwise, computed stably; differentiable "
           "(d/dx = s (1 - s)).")
      .def("relu", &Relu,
           "max(x, 0) elementwise; differentiable with gradient 1 where x > 0, else 0.")
      .def("sin", &Sin, "Sine elementwise (radians); differentiable (d/dx = cos(x)).")
      .def("cos", &Cos, "Cosine elementwise (radians); differentiable (d/dx = -sin(x)).")
      .def("pow", &Pow, py::arg("exponent"),
           "x^p elementwise for a real number p (not a tensor); NaN where x < 0 and p is not an "
           "integer. Differentiable (d/dx = p x^(p-1)).")
      .def("clamp", &Clamp, py::arg("min"), py::arg("max"),
           "min(max(x, min), max) elementwise; both bounds are required numbers. "
           "Differentiable: the gradient passes where min <= x <= max (bounds included), 0 "
           "outside. ValueError if min > max.")
      .def("matmul", &MatMul, py::arg("other"),
           "Matrix product with another Tensor of the same dtype (shapes as acaode.matmul: "
           "[M, K] @ [K, N], batched with identical leading dims, 1-D operands as vectors). "
           "Differentiable. ValueError for incompatible shapes or dtypes.");

  // --- indexing and operators ---
  cls.def("__getitem__", &Index,
          "t[key] for key an int, a slice, None (a new dim of size 1), ... (Ellipsis), a list "
          "or 1-D integer array of indices (not a boolean mask), or a tuple of these. Ints and "
          "step-1 slices share storage where the selection is contiguous (e.g. along dim 0); "
          "stepped slices and index lists copy (CPU only). Differentiable. IndexError for an "
          "int out of range or too many indices, ValueError for an index-list entry out of "
          "range, TypeError for other keys.");
  using TT = Tensor (*)(const Tensor&, const Tensor&);
  using TS = Tensor (*)(const Tensor&, double);
  using ST = Tensor (*)(double, const Tensor&);
  auto binary = [](TT tt, TS ts) {
    return [tt, ts](const Tensor& a, const py::object& b) { return Binary(a, b, tt, ts); };
  };
  auto reflected = [](TT tt, ST st) {
    return [tt, st](const Tensor& a, const py::object& b) {
      return Binary(
          a, b, [tt](const Tensor& x, const Tensor& y) { return tt(y, x); },
          [st](const Tensor& x, double y) { return st(y, x); });
    };
  };
  cls.def("__add__", binary(&Add, &Add),
          "self + other with NumPy broadcasting. other: a Tensor of the same dtype, a number "
          "(NumPy scalars included) or array-like data (converted to self's dtype); "
          "NotImplemented for anything else. Differentiable.")
      .def("__radd__", reflected(&Add, &Add),
           "other + self for a number or array-like other (see __add__). Differentiable.")
      .def("__sub__", binary(&Sub, &Sub),
           "self - other with NumPy broadcasting; other as in __add__. Differentiable.")
      .def("__rsub__", reflected(&Sub, &Sub),
           "other - self for a number or array-like other (see __add__). Differentiable.")
      .def("__mul__", binary(&Mul, &Mul),
           "self * other elementwise with NumPy broadcasting; other as in __add__. "
           "Differentiable.")
      .def("__rmul__", reflected(&Mul, &Mul),
           "other * self for a number or array-like other (see __add__). Differentiable.")
      .def("__truediv__", binary(&Div, &Div),
           "self / other elementwise with NumPy broadcasting; other as in __add__. "
           "Differentiable.")
      .def("__rtruediv__", reflected(&Div, &Div),
           "other / self for a number or array-like other (see __add__). Differentiable.")
      .def(
          "__neg__", [](const Tensor& t) { return Neg(t); }, "-self elementwise; differentiable.")
      .def(
          "__pos__", [](const Tensor& t) { return t; }, "+self: returns this tensor itself.")
      .def(
          "__pow__",
          [](const Tensor& t, const py::object& p) -> py::object {
            if (!IsScalar(p)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
            return py::cast(Pow(t, p.cast<double>()));
          },
          "self ** p for a number p (NotImplemented for a tensor or array exponent): x^p "
          "elementwise, differentiable in self (d/dx = p x^(p-1)).")
      .def(
          "__rpow__",
          [](const Tensor& t, const py::object& base) -> py::object {
            if (!IsScalar(base)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
            const double b = base.cast<double>();
            if (!(b > 0)) {
              throw py::value_error(
                  absl::StrCat("__rpow__: base ", b, " must be > 0 (b ** t = exp(t log b))"));
            }
            return py::cast(Exp(Mul(t, std::log(b))));  // d b^t = b^t log(b) dt
          },
          "b ** self for a number b > 0, computed as exp(self * log(b)); differentiable. "
          "ValueError for b <= 0; NotImplemented for a non-number base.")
      .def(
          "__matmul__",
          [](const Tensor& a, const py::object& b) -> py::object {
            if (!IsArrayLike(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
            return py::cast(MatMul(a, AsOperand(b, a)));
          },
          "self @ other: acaode.matmul with a Tensor or array-like other (converted to self's "
          "dtype). Differentiable.")
      .def(
          "__rmatmul__",
          [](const Tensor& b, const py::object& a) -> py::object {
            if (!IsArrayLike(a)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
            return py::cast(MatMul(AsOperand(a, b), b));
          },
          "other @ self for array-like other (converted to self's dtype). Differentiable.");

  // --- creation ---
  m.def(
      "tensor",
      [](const py::object& data, const py::object& dtype, bool requires_grad) {
        return WithGrad(ToTensor(data, ParseDType(dtype, "dtype"), "data").detach().clone(),
                        requires_grad);
      },
      py::arg("data"), py::arg("dtype") = py::none(), py::arg("requires_grad") = false,
      "A new tensor holding a copy of data (a NumPy array, nested lists, a number or a "
      "Tensor). dtype: float32 or float64 (default: float32 for float32 arrays, else "
      "float64).");
  m.def(
      "from_numpy",
      [](const py::object& obj) {
        if (!py::isinstance<py::array>(obj)) {
          throw py::type_error("from_numpy: array must be a numpy.ndarray");
        }
        py::array a = py::reinterpret_borrow<py::array>(obj);
        const std::optional<DType> dtype = ParseDType(a.dtype(), "array");
        const int flags = py::detail::array_proxy(a.ptr())->flags;
        if (!(flags & py::detail::npy_api::NPY_ARRAY_C_CONTIGUOUS_) ||
            !(flags & py::detail::npy_api::NPY_ARRAY_ALIGNED_) || !a.writeable()) {
          throw py::value_error(
              "from_numpy: array must be C-contiguous, aligned and writeable to share its "
              "memory; use acaode.tensor(array) to copy it");
        }
        Shape shape(a.shape(), a.shape() + a.ndim());
        auto* owner = a.inc_ref().ptr();
        auto storage = Storage::Wrap(a.mutable_data(), static_cast<size_t>(a.nbytes()),
                                     Device::kCpu, [owner](void*) {
                                       if (!Py_IsInitialized()) return;
                                       py::gil_scoped_acquire gil;
                                       Py_DECREF(owner);
                                     });
        return Tensor(std::make_shared<TensorImpl>(storage, 0, shape, *dtype));
      },
      py::arg("array"),
      "A tensor sharing the memory of a float32/float64 C-contiguous writeable array (no "
      "copy): writes through either are seen by the other.");
  m.def(
      "zeros",
      [](const py::args& shape, const py::object& dtype, bool requires_grad) {
        return WithGrad(Zeros(ParseShape(shape), DTypeOr(dtype, "dtype", DType::kFloat64)),
                        requires_grad);
      },
      py::arg("dtype") = py::none(), py::arg("requires_grad") = false,
      "A new tensor of zeros. The shape is given as ints or one tuple/list (zeros(2, 3) or "
      "zeros((2, 3)); no arguments: 0-d); dtype: float32 or float64 (default float64). "
      "ValueError for a negative size.");
  m.def(
      "ones",
      [](const py::args& shape, const py::object& dtype, bool requires_grad) {
        return WithGrad(Ones(ParseShape(shape), DTypeOr(dtype, "dtype", DType::kFloat64)),
                        requires_grad);
      },
      py::arg("dtype") = py::none(), py::arg("requires_grad") = false,
      "A new tensor of ones. The shape is given as ints or one tuple/list (ones(2, 3) or "
      "ones((2, 3))); dtype: float32 or float64 (default float64). ValueError for a negative "
      "size.");
  m.def(
      "full",
      [](const py::object& shape, double value, const py::object& dtype, bool requires_grad) {
        return WithGrad(Full(ParseShape(py::make_tuple(shape)), value,
                             DTypeOr(dtype, "dtype", DType::kFloat64)),
                        requires_grad);
      },
      py::arg("shape"), py::arg("fill_value"), py::arg("dtype") = py::none(),
      py::arg("requires_grad") = false,
      "A new tensor of the given shape (an int or a tuple/list of ints) with every element "
      "fill_value; dtype: float32 or float64 (default float64). ValueError for a negative "
      "size.");
  m.def(
      "zeros_like",
      [](const Tensor& t, bool requires_grad) { return WithGrad(ZerosLike(t), requires_grad); },
      py::arg("input"), py::arg("requires_grad") = false,
      "A new tensor of zeros with input's shape, dtype and device.");
  m.def(
      "ones_like",
      [](const Tensor& t, bool requires_grad) { return WithGrad(OnesLike(t), requires_grad); },
      py::arg("input"), py::arg("requires_grad") = false,
      "A new tensor of ones with input's shape, dtype and device.");
  m.def(
      "arange",
      [](double start, const py::object& end, double step, const py::object& dtype) {
        const DType d = DTypeOr(dtype, "dtype", DType::kFloat64);
        if (end.is_none()) return Arange(0.0, start, step, d);
        return Arange(start, end.cast<double>(), step, d);
      },
      py::arg("start"), py::arg("end") = py::none(), py::arg("step") = 1.0,
      py::arg("dtype") = py::none(),
      "The 1-D tensor start, start + step, ... of the values < end (> end for a negative "
      "step), ceil((end - start) / step) of them (none when the step points away from end); "
      "arange(n) is 0, 1, ..., n - 1. float64 unless dtype is float32. ValueError for a zero "
      "step or a non-finite argument.");
  m.def(
      "linspace",
      [](double start, double end, int64_t steps, const py::object& dtype) {
        return Linspace(start, end, steps, DTypeOr(dtype, "dtype", DType::kFloat64));
      },
      py::arg("start"), py::arg("end"), py::arg("steps"), py::arg("dtype") = py::none(),
      "The 1-D tensor of steps evenly spaced values from start to end, both included (the "
      "last value is exactly end; steps == 1 gives [start]); float64 unless dtype is float32. "
      "ValueError for steps < 1.");
  m.def(
      "randn",
      [](const py::args& shape, const py::object& dtype, Generator* generator, bool requires_grad) {
        Generator& gen = generator ? *generator : DefaultGenerator();
        return WithGrad(
            RandNormal(ParseShape(shape), 0.0, 1.0, gen, DTypeOr(dtype, "dtype", DType::kFloat64)),
            requires_grad);
      },
      py::arg("dtype") = py::none(), py::arg("generator") = py::none(),
      py::arg("requires_grad") = false,
      "A new tensor of standard normal samples (Box-Muller, computed in float64 and rounded "
      "for float32) drawn from generator (default: the one reseeded by acaode.manual_seed), "
      "which advances. The shape is given as ints or one tuple/list; dtype: float32 or "
      "float64 (default float64).");
  m.def(
      "rand",
      [](const py::args& shape, const py::object& dtype, Generator* generator, bool requires_grad) {
        Generator& gen = generator ? *generator : DefaultGenerator();
        return WithGrad(
            RandUniform(ParseShape(shape), 0.0, 1.0, gen, DTypeOr(dtype, "dtype", DType::kFloat64)),
            requires_grad);
      },
      py::arg("dtype") = py::none(), py::arg("generator") = py::none(),
      py::arg("requires_grad") = false,
      "A new tensor of samples uniform on [0, 1) drawn from generator (default: the one "
      "reseeded by acaode.manual_seed), which advances. The shape is given as ints or one "
      "tuple/list; dtype: float32 or float64 (default float64).");

  // --- grad mode ---
  auto ctx = py::class_<GradModeContext>(m, "_GradModeContext", py::is_final())
                 .def("__enter__", &GradModeContext::Enter)
                 .def("__exit__", [](GradModeContext& c, const py::args&) { c.Exit(); });
  m.def(
      "no_grad", [] { return GradModeContext(false); },
      "Context manager: ops inside record no autograd graph (this thread).");
  m.def(
      "enable_grad", [] { return GradModeContext(true); },
      "Context manager: turns recording back on inside no_grad().");
  m.def("is_grad_enabled", &IsGradEnabled,
        "Whether ops record the autograd graph in this thread (True unless inside no_grad() or "
        "after set_grad_enabled(False)).");
  m.def("set_grad_enabled", &SetGradEnabled, py::arg("mode"),
        "Turns graph recording on (True) or off (False) for this thread until changed again; "
        "the no_grad() / enable_grad() context managers restore the previous mode on exit.");
}

}  // namespace acaode::bindings
