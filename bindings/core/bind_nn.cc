// acaode.nn: Module (a C++ nn::Module, subclassable from Python) and every C++ layer.
//
// Note [Python modules]: a Python subclass of acaode.nn.Module is a C++ nn::OdeModule
// (the trampoline PyModule below) whose Forward(x) and Forward(t, z) call the Python
// `forward` with the GIL taken (Note [GIL in solves]). Assigning a leaf Tensor that requires
// grad, or a Module, to an attribute registers it in C++ as a parameter or child, so
// parameters(), state_dict(), save() and load() see the whole tree, C++ and Python alike.
// The Python attribute keeps the child's Python object alive; containers built in C++
// (Sequential, AutonomousOde) keep their Python arguments alive with py::keep_alive. A
// Python module reaches C++ only together with such an owner, so its `forward` is never
// called after its Python object is gone. pybind11 would hand a method called before
// Module.__init__ uninitialised memory, so python/acaode/nn/__init__.py constructs the C++
// side before a subclass's own __init__ runs (and makes Module.__init__ idempotent). The C++
// layers are final (a Python override of their forward would not be seen from C++).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "autograd/nn/activation.h"
#include "autograd/nn/conv.h"
#include "autograd/nn/linear.h"
#include "autograd/nn/module.h"
#include "autograd/nn/norm.h"
#include "autograd/nn/ode_module.h"
#include "autograd/nn/rnn.h"
#include "autograd/nn/sequential.h"
#include "bindings/core/bindings.h"

namespace acaode::bindings {
namespace {

// The trampoline of Note [Python modules].
class PyModule : public nn::OdeModule {
 public:
  PyModule() : OdeModule("Module") {}

  Tensor Forward(const Tensor& x) override { return CallForward(x); }
  Tensor Forward(double t, const Tensor& z) override { return CallForward(t, z); }

  Tensor AddParameter(const std::string& name, const Tensor& value) {
    return RegisterParameter(name, value);
  }
  Tensor AddBuffer(const std::string& name, const Tensor& value) {
    return RegisterBuffer(name, value);
  }
  void AddModule(const std::string& name, std::shared_ptr<nn::Module> module) {
    RegisterModule(name, std::move(module));
  }

 private:
  template <class... Args>
  Tensor CallForward(const Args&... args) {
    py::gil_scoped_acquire gil;
    CountPythonCallback();
    py::function forward = py::get_override(static_cast<const nn::Module*>(this), "forward");
    if (!forward) {
      throw RuntimeError(
          "Module.forward is not defined: a Python subclass of acaode.nn.Module must define "
          "forward (forward(self, t, z) for ODE right-hand sides)");
    }
    py::object out = forward(args...);
    if (!py::isinstance<Tensor>(out)) {
      throw py::type_error(absl::StrCat("Module.forward returned ",
                                        std::string(py::str(out.get_type().attr("__name__"))),
                                        "; it must return an acaode.Tensor"));
    }
    return out.cast<Tensor>();
  }
};

PyModule* AsPython(const py::object& self) {
  // Before Module.__init__ has run there is no C++ object yet (casting would read garbage).
  auto* inst = reinterpret_cast<py::detail::instance*>(self.ptr());
  if (!inst->get_value_and_holder().holder_constructed()) {
    throw RuntimeError(
        "acaode.nn.Module.__init__() has not run: call super().__init__() first in "
        "__init__");
  }
  return dynamic_cast<PyModule*>(self.cast<nn::Module*>());
}

PyModule& RequirePython(const py::object& self, const char* what) {
  PyModule* m = AsPython(self);
  if (m == nullptr) {
    throw py::type_error(absl::StrCat(what,
                                      ": only Python subclasses of acaode.nn.Module "
                                      "can register members"));
  }
  return *m;
}

std::string PathString(const py::object& path) {
  return py::str(py::module_::import("os").attr("fspath")(path));
}

DType LayerDType(const py::object& dtype) {
  std::optional<DType> d = ParseDType(dtype, "dtype");
  return d ? *d : DType::kFloat64;
}

Generator& Gen(Generator* generator) { return generator ? *generator : DefaultGenerator(); }

py::object OptionalTensor(const Tensor& t) { return t.defined() ? py::cast(t) : py::none(); }

std::string Describe(const nn::Module& m, const std::string& indent) {
  std::string out = m.type_name() + "(";
  if (m.NamedChildren().empty()) {
    bool first = true;
    for (const auto& [name, p] : m.NamedParameters()) {
      absl::StrAppend(&out, first ? "" : ", ", name, "=", ShapeToString(p.shape()));
      first = false;
    }
    return out + ")";
  }
  for (const auto& [name, child] : m.NamedChildren()) {
    absl::StrAppend(&out, "\n", indent, "  (", name, "): ", Describe(*child, indent + "  "));
  }
  return out + "\n" + indent + ")";
}

nn::LstmState ParseLstmState(const py::object& state) {
  nn::LstmState s;
  if (state.is_none()) return s;
  if (!py::isinstance<py::sequence>(state) || py::len(state) != 2 ||
      !py::isinstance<Tensor>(state[py::int_(0)]) || !py::isinstance<Tensor>(state[py::int_(1)])) {
    throw py::type_error("state: must be None or a pair (h, c) of acaode.Tensor");
  }
  s.h = state[py::int_(0)].cast<Tensor>();
  s.c = state[py::int_(1)].cast<Tensor>();
  return s;
}

}  // namespace

void BindNn(py::module_& root) {
  py::module_ m = root.def_submodule("nn", "Neural-network modules (acaode.nn).");

  py::class_<nn::Module, PyModule, std::shared_ptr<nn::Module>> module(
      m, "Module",
      "Base class of layers and models. Subclass it in Python: call super().__init__(), "
      "assign parameters (acaode.nn.Parameter or any leaf Tensor with requires_grad=True) "
      "and child modules as attributes, and define forward(self, x) -- or forward(self, t, "
      "z) returning dz/dt for acaode.odeint.");
  module.def(py::init_alias<>(),
             "Builds the C++ side of the module. acaode.nn wraps it in an idempotent "
             "__init__ that runs before a subclass's own (Note [Python modules]).");
  module
      .def(
          "__setattr__",
          [](const py::object& self, const std::string& name, const py::object& value) {
            if (PyModule* pm = AsPython(self)) {
              if (py::isinstance<Tensor>(value)) {
                Tensor t = value.cast<Tensor>();
                if (t.defined() && t.requires_grad() && t.is_leaf()) pm->AddParameter(name, t);
              } else if (py::isinstance<nn::Module>(value)) {
                pm->AddModule(name, value.cast<std::shared_ptr<nn::Module>>());
              }
            }
            py::module_::import("builtins").attr("object").attr("__setattr__")(self, name, value);
          },
          py::arg("name"), py::arg("value"),
          "Sets an attribute. On a Python subclass a leaf Tensor that requires grad is also "
          "registered as a parameter and a Module as a child (ValueError if the name is "
          "already registered); other values are plain attributes.")
      .def(
          "register_parameter",
          [](const py::object& self, const std::string& name, const py::object& value) {
            Tensor t = RequirePython(self, "register_parameter")
                           .AddParameter(name, ToTensor(value, std::nullopt, "value"));
            py::module_::import("builtins").attr("object").attr("__setattr__")(self, name, t);
            return t;
          },
          py::arg("name"), py::arg("value"),
          "Registers value as the parameter name, sets it as an attribute and returns it. "
          "value: a leaf Tensor (kept as is and marked requires_grad) or array-like data "
          "(copied). TypeError unless self is a Python subclass; ValueError for a non-leaf "
          "tensor, an empty or dotted name, or a name already registered.")
      .def(
          "register_buffer",
          [](const py::object& self, const std::string& name, const py::object& value) {
            Tensor t = RequirePython(self, "register_buffer")
                           .AddBuffer(name, ToTensor(value, std::nullopt, "value"));
            py::module_::import("builtins").attr("object").attr("__setattr__")(self, name, t);
            return t;
          },
          py::arg("name"), py::arg("value"),
          "Adds state without gradient (saved in state_dict), e.g. running statistics: "
          "registers value (a Tensor kept as is, or array-like data copied) as the buffer "
          "name, sets it as an attribute and returns it. TypeError unless self is a Python "
          "subclass; ValueError for an empty or dotted name or a name already registered.")
      .def(
          "forward", [](nn::Module& m, const Tensor& x) { return m.Forward(x); }, py::arg("input"),
          "The module's computation on one input tensor. C++ layers run their own; a Python "
          "subclass defines forward(self, x), or forward(self, t, z) returning dz/dt for "
          "acaode.odeint. RuntimeError when the module defines no such forward.")
      .def(
          "__call__",
          [](const py::object& self, const py::args& args, const py::kwargs& kwargs) {
            return self.attr("forward")(*args, **kwargs);
          },
          "module(*args, **kwargs) is module.forward(*args, **kwargs).")
      .def(
          "parameters", [](const nn::Module& m) { return m.Parameters(); },
          "Parameters of this module and its children, depth first, each once.")
      .def(
          "named_parameters", [](const nn::Module& m) { return m.NamedParameters(); },
          "(dotted name, tensor) pairs, e.g. ('0.weight', ...) in a Sequential.")
      .def(
          "named_buffers", [](const nn::Module& m) { return m.NamedBuffers(); },
          "(dotted name, tensor) pairs of the buffers (state without gradient, e.g. "
          "BatchNorm2d's running_mean) of this module and its children, each once.")
      .def(
          "named_children",
          [](const nn::Module& m) {
            py::list out;
            for (const auto& [name, child] : m.NamedChildren()) {
              out.append(py::make_tuple(name, py::cast(child)));
            }
            return out;
          },
          "(name, module) pairs of the direct children, in registration order.")
      .def(
          "children",
          [](const nn::Module& m) {
            py::list out;
            for (const auto& entry : m.NamedChildren()) out.append(py::cast(entry.second));
            return out;
          },
          "The direct child modules, in registration order.")
      .def(
          "num_parameters", [](const nn::Module& m) { return m.NumParameters(); },
          "The total number of parameter elements (the sum of numel() over parameters()).")
      .def(
          "train",
          [](const py::object& self, bool mode) {
            self.cast<nn::Module&>().Train(mode);
            return self;
          },
          py::arg("mode") = true,
          "Sets training mode (True) or evaluation mode (False) on this module and all its "
          "children and returns the module. Of the built-in layers only BatchNorm2d behaves "
          "differently (batch statistics in training, running statistics in eval).")
      .def(
          "eval",
          [](const py::object& self) {
            self.cast<nn::Module&>().Eval();
            return self;
          },
          "Evaluation mode, the same as train(False); returns the module.")
      .def_property_readonly(
          "training", [](const nn::Module& m) { return m.is_training(); },
          "True in training mode (the default), False after eval() or train(False).")
      .def(
          "zero_grad", [](nn::Module& m) { m.ZeroGrad(); },
          "Resets every parameter's gradient to None.")
      .def(
          "state_dict",
          [](const nn::Module& m) {
            py::dict out;
            for (const auto& [name, t] : m.StateDict()) {
              out[py::str(name)] = TensorToNumpy(t).attr("copy")();
            }
            return out;
          },
          "Parameters and buffers by dotted name, as NumPy arrays (copies: a snapshot).")
      .def(
          "load_state_dict",
          [](nn::Module& m, const py::dict& state_dict) {
            const nn::TensorDict current = m.StateDict();
            nn::TensorDict dict;
            for (const auto& [key, value] : state_dict) {
              const std::string name = py::str(key);
              auto it = current.find(name);
              std::optional<DType> dtype;
              if (it != current.end()) dtype = it->second.dtype();
              dict[name] = ToTensor(value, dtype, "state_dict").detach().clone();
            }
            ThrowIfError(m.LoadStateDict(dict), ErrorDomain::kIo);
          },
          py::arg("state_dict"),
          "Copies the arrays into the parameters and buffers (same names, shapes); on a "
          "mismatch raises ValueError naming the entry and changes nothing.")
      .def(
          "save",
          [](const nn::Module& m, const py::object& path) {
            ThrowIfError(m.Save(PathString(path)), ErrorDomain::kIo);
          },
          py::arg("path"), "Writes the state dict to a checksummed binary file.")
      .def(
          "load",
          [](nn::Module& m, const py::object& path) {
            ThrowIfError(m.Load(PathString(path)), ErrorDomain::kIo);
          },
          py::arg("path"),
          "Reads a file written by save(); a missing, corrupt or mismatched file raises "
          "(FileNotFoundError, OSError, ValueError) and leaves the module unchanged.")
      .def_property_readonly(
          "type_name", [](const nn::Module& m) { return m.type_name(); },
          "The C++ type name of the module, e.g. 'Linear' ('Module' for a Python subclass).")
      .def("__repr__", [](const py::object& self) {
        const auto& m = self.cast<const nn::Module&>();
        if (dynamic_cast<const PyModule*>(&m) != nullptr) {
          std::string s = Describe(m, "");
          return std::string(py::str(self.get_type().attr("__name__"))) +
                 s.substr(m.type_name().size());
        }
        return Describe(m, "");
      });

  m.def(
      "_constructed",
      [](const py::object& self) {
        if (!py::isinstance<nn::Module>(self)) throw py::type_error("not an acaode.nn.Module");
        auto* inst = reinterpret_cast<py::detail::instance*>(self.ptr());
        return inst->get_value_and_holder().holder_constructed();
      },
      py::arg("module"),
      "Whether the C++ side of a Module exists (acaode/nn/__init__.py builds it before a "
      "subclass's __init__ runs; Note [Python modules]).");
  m.def(
      "Parameter",
      [](const py::object& data, bool requires_grad) {
        Tensor t = py::isinstance<Tensor>(data) ? data.cast<Tensor>().detach()
                                                : ToTensor(data, std::nullopt, "data");
        return t.set_requires_grad(requires_grad);
      },
      py::arg("data"), py::arg("requires_grad") = true,
      "A leaf tensor requiring grad (sharing data's storage when data is a Tensor); assign "
      "it to a Module attribute to register it.");

  // --- layers ---
  py::class_<nn::Linear, nn::Module, std::shared_ptr<nn::Linear>>(
      m, "Linear", py::is_final(),
      "Affine layer y = x W^T + b (torch.nn.Linear): input [..., in_features] -> "
      "[..., out_features]; weight [out, in], bias [out]; PyTorch's initialisation.")
      .def(py::init([](int64_t in_features, int64_t out_features, bool bias,
                       const py::object& dtype, Generator* generator) {
             return std::make_shared<nn::Linear>(in_features, out_features, Gen(generator), bias,
                                                 LayerDType(dtype));
           }),
           py::arg("in_features"), py::arg("out_features"), py::arg("bias") = true,
           py::arg("dtype") = py::none(), py::arg("generator") = py::none(),
           "in_features, out_features >= 0; bias=False omits b; dtype float32 or float64 "
           "(default float64). weight and bias are drawn U(-1/sqrt(in), 1/sqrt(in)) from "
           "generator (default: the one acaode.manual_seed reseeds). ValueError for a negative "
           "size.")
      .def_property_readonly("weight", &nn::Linear::weight,
                             "The weight parameter W, shape [out_features, in_features].")
      .def_property_readonly(
          "bias", [](const nn::Linear& l) { return OptionalTensor(l.bias()); },
          "The bias parameter b, shape [out_features], or None when built with bias=False.");

  py::class_<nn::Conv2d, nn::Module, std::shared_ptr<nn::Conv2d>>(
      m, "Conv2d", py::is_final(),
      "2-D convolution, NCHW (torch.nn.Conv2d with groups = 1, square kernel, no dilation): "
      "[N, in, H, W] -> [N, out, OH, OW], OH = (H + 2 padding - k) // stride + 1; weight "
      "[out, in, k, k], bias [out].")
      .def(py::init([](int64_t in_channels, int64_t out_channels, int64_t kernel_size,
                       int64_t stride, int64_t padding, bool bias, const py::object& dtype,
                       Generator* generator) {
             nn::Conv2dOptions options;
             options.stride = stride;
             options.padding = padding;
             options.bias = bias;
             options.dtype = LayerDType(dtype);
             return std::make_shared<nn::Conv2d>(in_channels, out_channels, kernel_size,
                                                 Gen(generator), options);
           }),
           py::arg("in_channels"), py::arg("out_channels"), py::arg("kernel_size"),
           py::arg("stride") = 1, py::arg("padding") = 0, py::arg("bias") = true,
           py::arg("dtype") = py::none(), py::arg("generator") = py::none(),
           "Channels and kernel_size >= 1, stride >= 1 (both spatial dims), padding >= 0 (zeros "
           "on every side); bias=False omits the bias; dtype float32 or float64 (default "
           "float64). Parameters are drawn U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = "
           "in_channels * k * k, from generator (default: the one acaode.manual_seed "
           "reseeds). ValueError otherwise.")
      .def_property_readonly("weight", &nn::Conv2d::weight,
                             "The weight parameter, shape [out_channels, in_channels, k, k].")
      .def_property_readonly(
          "bias", [](const nn::Conv2d& l) { return OptionalTensor(l.bias()); },
          "The bias parameter, shape [out_channels], or None when built with bias=False.");

  py::class_<nn::GroupNorm, nn::Module, std::shared_ptr<nn::GroupNorm>>(
      m, "GroupNorm", py::is_final(),
      "Group normalization (torch.nn.GroupNorm) of input [N, C, ...]: y = (x - mean) / "
      "sqrt(var + eps) * weight[c] + bias[c], with the mean and biased variance of each "
      "sample over each group of C / num_groups channels and all positions. The same in "
      "training and eval mode; differentiable.")
      .def(py::init([](int64_t num_groups, int64_t num_channels, double eps, bool affine,
                       const py::object& dtype) {
             return std::make_shared<nn::GroupNorm>(num_groups, num_channels, eps, affine,
                                                    LayerDType(dtype));
           }),
           py::arg("num_groups"), py::arg("num_channels"), py::arg("eps") = 1e-5,
           py::arg("affine") = true, py::arg("dtype") = py::none(),
           "num_groups must divide num_channels (C); eps > 0; affine=True adds the parameters "
           "weight (ones) and bias (zeros) of shape [C]; dtype float32 or float64 (default "
           "float64). ValueError otherwise, and in forward for an input not [N, C, ...].")
      .def_property_readonly(
          "weight", [](const nn::GroupNorm& l) { return OptionalTensor(l.weight()); },
          "The scale parameter, shape [num_channels], or None when affine=False.")
      .def_property_readonly(
          "bias", [](const nn::GroupNorm& l) { return OptionalTensor(l.bias()); },
          "The shift parameter, shape [num_channels], or None when affine=False.");

  py::class_<nn::BatchNorm2d, nn::Module, std::shared_ptr<nn::BatchNorm2d>>(
      m, "BatchNorm2d", py::is_final(),
      "Batch normalization of input [N, C, H, W] (torch.nn.BatchNorm2d): y = (x - mean) / "
      "sqrt(var + eps) * weight[c] + bias[c]. Training mode: per-channel batch mean and "
      "biased variance, and the buffers running_mean / running_var updated in place as "
      "(1 - momentum) running + momentum stat (unbiased variance); eval mode: the running "
      "statistics. Differentiable.")
      .def(py::init([](int64_t num_features, double eps, double momentum, bool affine,
                       const py::object& dtype) {
             nn::BatchNormOptions options;
             options.eps = eps;
             options.momentum = momentum;
             options.affine = affine;
             options.dtype = LayerDType(dtype);
             return std::make_shared<nn::BatchNorm2d>(num_features, options);
           }),
           py::arg("num_features"), py::arg("eps") = 1e-5, py::arg("momentum") = 0.1,
           py::arg("affine") = true, py::arg("dtype") = py::none(),
           "num_features = C >= 1; eps > 0; momentum in [0, 1]; affine=True adds the "
           "parameters weight (ones) and bias (zeros) of shape [C]; dtype float32 or float64 "
           "(default float64). ValueError otherwise, and in forward for an input not "
           "[N, C, H, W] or, in training, with one value per channel.")
      .def_property_readonly(
          "weight", [](const nn::BatchNorm2d& l) { return OptionalTensor(l.weight()); },
          "The scale parameter, shape [num_features], or None when affine=False.")
      .def_property_readonly(
          "bias", [](const nn::BatchNorm2d& l) { return OptionalTensor(l.bias()); },
          "The shift parameter, shape [num_features], or None when affine=False.")
      .def_property_readonly("running_mean", &nn::BatchNorm2d::running_mean,
                             "Buffer [num_features]: the running mean (zeros at first), "
                             "updated by forward in training mode and used in eval mode.")
      .def_property_readonly("running_var", &nn::BatchNorm2d::running_var,
                             "Buffer [num_features]: the running unbiased variance (ones at "
                             "first), updated by forward in training mode and used in eval "
                             "mode.");

  py::class_<nn::ReLU, nn::Module, std::shared_ptr<nn::ReLU>>(
      m, "ReLU", py::is_final(),
      "Layer applying max(x, 0) elementwise (acaode.relu); no parameters.")
      .def(py::init<>(), "A ReLU layer (no arguments).");
  py::class_<nn::Tanh, nn::Module, std::shared_ptr<nn::Tanh>>(
      m, "Tanh", py::is_final(), "Layer applying tanh elementwise (acaode.tanh); no parameters.")
      .def(py::init<>(), "A Tanh layer (no arguments).");
  py::class_<nn::Sigmoid, nn::Module, std::shared_ptr<nn::Sigmoid>>(
      m, "Sigmoid", py::is_final(),
      "Layer applying 1 / (1 + exp(-x)) elementwise (acaode.sigmoid); no parameters.")
      .def(py::init<>(), "A Sigmoid layer (no arguments).");
  py::class_<nn::Softplus, nn::Module, std::shared_ptr<nn::Softplus>>(
      m, "Softplus", py::is_final(),
      "Layer applying log(1 + exp(x)) elementwise (beta = 1; acaode.softplus); no "
      "parameters.")
      .def(py::init<>(), "A Softplus layer (no arguments).");
  py::class_<nn::Flatten, nn::Module, std::shared_ptr<nn::Flatten>>(
      m, "Flatten", py::is_final(),
      "Layer collapsing dims start_dim..last into one, e.g. [N, C, H, W] -> [N, C*H*W] with "
      "the default start_dim = 1 (a view; acaode.flatten); no parameters.")
      .def(py::init<int64_t>(), py::arg("start_dim") = 1,
           "start_dim: the first dim collapsed (negative counts from the end).");

  py::class_<nn::Sequential, nn::Module, std::shared_ptr<nn::Sequential>>(
      m, "Sequential", py::is_final(), "Modules applied in order; children named '0', '1', ...")
      .def(py::init([](const py::args& modules) {
             auto seq = std::make_shared<nn::Sequential>();
             for (py::handle mod : modules) {
               if (!py::isinstance<nn::Module>(mod)) {
                 throw py::type_error("Sequential: every argument must be an acaode.nn.Module");
               }
               seq->Push(mod.cast<std::shared_ptr<nn::Module>>());
             }
             return seq;
           }),
           py::keep_alive<1, 2>(),
           "Sequential(m0, m1, ...): the modules in order (TypeError for a non-Module). A "
           "Linear directly followed by a Tanh or ReLU runs as one fused op, with the same "
           "values and gradients.")
      .def(
          "append",
          [](const py::object& self, const std::shared_ptr<nn::Module>& module) {
            self.cast<nn::Sequential&>().Push(module);
            return self;
          },
          py::arg("module"), py::keep_alive<1, 2>(),
          "Adds module at the end (named str(len(self)) before the call) and returns this "
          "Sequential.")
      .def("__len__", &nn::Sequential::size, "The number of modules.")
      .def(
          "__getitem__",
          [](const nn::Sequential& s, int64_t i) {
            const int64_t n = static_cast<int64_t>(s.size());
            if (i < -n || i >= n) {
              throw py::index_error(
                  absl::StrCat("Sequential index ", i, " out of range (", n, " modules)"));
            }
            return s[static_cast<size_t>(i < 0 ? i + n : i)];
          },
          "The module at int index i (negative counts from the end; no slices). IndexError "
          "when out of range.");

  py::class_<nn::LSTMCell, nn::Module, std::shared_ptr<nn::LSTMCell>>(
      m, "LSTMCell", py::is_final(),
      "One LSTM step (torch.nn.LSTMCell): [i f g o] = x W_ih^T + b_ih + h W_hh^T + b_hh; "
      "c' = sigmoid(f) c + sigmoid(i) tanh(g); h' = sigmoid(o) tanh(c'). Parameters "
      "weight_ih [4H, I], weight_hh [4H, H], bias_ih and bias_hh [4H].")
      .def(py::init([](int64_t input_size, int64_t hidden_size, bool bias, const py::object& dtype,
                       Generator* generator) {
             return std::make_shared<nn::LSTMCell>(input_size, hidden_size, Gen(generator), bias,
                                                   LayerDType(dtype));
           }),
           py::arg("input_size"), py::arg("hidden_size"), py::arg("bias") = true,
           py::arg("dtype") = py::none(), py::arg("generator") = py::none(),
           "input_size I >= 1 and hidden_size H >= 1 (ValueError otherwise); bias=False omits "
           "the biases; dtype float32 or float64 (default float64). Every parameter is drawn "
           "U(-1/sqrt(H), 1/sqrt(H)) from generator (default: the one acaode.manual_seed "
           "reseeds).")
      .def(
          "forward",
          [](nn::LSTMCell& cell, const Tensor& x, const py::object& state) {
            nn::LstmState s = cell.Forward(x, ParseLstmState(state));
            return std::make_pair(s.h, s.c);
          },
          py::arg("input"), py::arg("state") = py::none(),
          "x [N, I], state (h, c) each [N, H] or None (zeros) -> (h', c'). Differentiable. "
          "ValueError for other shapes; TypeError for a state that is not a pair of "
          "Tensors.");

  py::class_<nn::LSTM, nn::Module, std::shared_ptr<nn::LSTM>>(
      m, "LSTM", py::is_final(),
      "Multi-layer LSTM over a sequence (torch.nn.LSTM, sequence first, unidirectional, no "
      "dropout): each layer runs the LSTMCell equations over time on the hidden states of "
      "the layer below. Layer k's parameters: weight_ih_l<k> [4H, I or H], weight_hh_l<k> "
      "[4H, H], bias_ih_l<k> and bias_hh_l<k> [4H].")
      .def(py::init([](int64_t input_size, int64_t hidden_size, int64_t num_layers, bool bias,
                       const py::object& dtype, Generator* generator) {
             return std::make_shared<nn::LSTM>(input_size, hidden_size, Gen(generator), num_layers,
                                               bias, LayerDType(dtype));
           }),
           py::arg("input_size"), py::arg("hidden_size"), py::arg("num_layers") = 1,
           py::arg("bias") = true, py::arg("dtype") = py::none(), py::arg("generator") = py::none(),
           "input_size I >= 1, hidden_size H >= 1, num_layers >= 1 (ValueError otherwise); "
           "bias=False omits the biases; dtype float32 or float64 (default float64). Every "
           "parameter is drawn U(-1/sqrt(H), 1/sqrt(H)) from generator (default: the one "
           "acaode.manual_seed reseeds).")
      .def(
          "forward",
          [](nn::LSTM& lstm, const Tensor& x, const py::object& state) {
            nn::LstmOutput out = lstm.Forward(x, ParseLstmState(state));
            return py::make_tuple(out.output, py::make_tuple(out.state.h, out.state.c));
          },
          py::arg("input"), py::arg("state") = py::none(),
          "x [T, N, I] (T >= 1), state (h0, c0) each [num_layers, N, H] or None (zeros) -> "
          "(output [T, N, H] of the last layer, (h, c) each [num_layers, N, H]). "
          "Differentiable. ValueError for other shapes.");

  py::class_<nn::GRUCell, nn::Module, std::shared_ptr<nn::GRUCell>>(
      m, "GRUCell", py::is_final(),
      "One GRU step (torch.nn.GRUCell): r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr), "
      "z = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz), n = tanh(x W_in^T + b_in + "
      "r (h W_hn^T + b_hn)), h' = (1 - z) n + z h. Parameters weight_ih [3H, I], weight_hh "
      "[3H, H], bias_ih and bias_hh [3H] (gates r, z, n).")
      .def(py::init([](int64_t input_size, int64_t hidden_size, bool bias, const py::object& dtype,
                       Generator* generator) {
             return std::make_shared<nn::GRUCell>(input_size, hidden_size, Gen(generator), bias,
                                                  LayerDType(dtype));
           }),
           py::arg("input_size"), py::arg("hidden_size"), py::arg("bias") = true,
           py::arg("dtype") = py::none(), py::arg("generator") = py::none(),
           "input_size I >= 1 and hidden_size H >= 1 (ValueError otherwise); bias=False omits "
           "the biases; dtype float32 or float64 (default float64). Every parameter is drawn "
           "U(-1/sqrt(H), 1/sqrt(H)) from generator (default: the one acaode.manual_seed "
           "reseeds).")
      .def(
          "forward",
          [](nn::GRUCell& cell, const Tensor& x, const std::optional<Tensor>& h) {
            return cell.Forward(x, h ? *h : Tensor());
          },
          py::arg("input"), py::arg("h") = py::none(),
          "x [N, I], h [N, H] or None (zeros) -> h' [N, H]. Differentiable. ValueError for "
          "other shapes.");

  py::class_<nn::AutonomousOde, nn::Module, std::shared_ptr<nn::AutonomousOde>>(
      m, "AutonomousOde", py::is_final(),
      "The ODE f(t, z) = func(z) of a module func (its child 'func').")
      .def(py::init<std::shared_ptr<nn::Module>>(), py::arg("func"), py::keep_alive<1, 2>(),
           "Wraps the module func (kept alive by this object) as the time-independent right-hand "
           "side f(t, z) = func(z); its parameters read 'func.<name>'.")
      .def(
          "forward",
          [](nn::AutonomousOde& f, double t, const Tensor& z) { return f.Forward(t, z); },
          py::arg("t"), py::arg("z"), "dz/dt = func(z) at state z (the time t is ignored).");
}

}  // namespace acaode::bindings
