// acaode.nn.functional: the autograd library's NN ops as functions (as
// torch.nn.functional).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "autograd/ops.h"
#include "autograd/ops/conv.h"
#include "autograd/ops/linear.h"
#include "autograd/ops/loss.h"
#include "autograd/ops/norm.h"
#include "autograd/ops/pool.h"
#include "bindings/core/bindings.h"

namespace acaode::bindings {
namespace {

Tensor OrUndefined(const std::optional<Tensor>& t) { return t ? *t : Tensor(); }

Reduction ParseReduction(const std::string& reduction) {
  if (reduction == "mean") return Reduction::kMean;
  if (reduction == "sum") return Reduction::kSum;
  throw py::value_error(absl::StrCat("reduction: '", reduction,
                                     "' is not one of 'mean', 'sum'"));
}

}  // namespace

void BindFunctional(py::module_& root) {
  py::module_ nn = root.attr("nn").cast<py::module_>();
  py::module_ m = nn.def_submodule("functional", "NN ops as functions (acaode.nn.functional).");

  m.def("relu", &Relu, py::arg("input"));
  m.def("tanh", &Tanh, py::arg("input"));
  m.def("sigmoid", &Sigmoid, py::arg("input"));
  m.def("softplus", &Softplus, py::arg("input"));
  m.def(
      "linear",
      [](const Tensor& x, const Tensor& w, const std::optional<Tensor>& b) {
        return Linear(x, w, OrUndefined(b));
      },
      py::arg("input"), py::arg("weight"), py::arg("bias") = py::none(),
      "y = x W^T + b with weight [out, in].");
  m.def(
      "conv2d",
      [](const Tensor& x, const Tensor& w, const std::optional<Tensor>& b, int64_t stride,
         int64_t padding) {
        Conv2dParams params;
        params.stride = stride;
        params.padding = padding;
        return Conv2d(x, w, OrUndefined(b), params);
      },
      py::arg("input"), py::arg("weight"), py::arg("bias") = py::none(), py::arg("stride") = 1,
      py::arg("padding") = 0);
  m.def(
      "avg_pool2d",
      [](const Tensor& x, int64_t kernel_size, const std::optional<int64_t>& stride,
         int64_t padding) {
        AvgPool2dParams params;
        params.kernel = kernel_size;
        params.stride = stride ? *stride : 0;
        params.padding = padding;
        return AvgPool2d(x, params);
      },
      py::arg("input"), py::arg("kernel_size"), py::arg("stride") = py::none(),
      py::arg("padding") = 0);
  m.def(
      "adaptive_avg_pool2d",
      [](const Tensor& x, int64_t output_size) {
        if (output_size != 1) {
          throw py::value_error(absl::StrCat("output_size: ", output_size,
                                             " is not supported; only 1 (global pooling)"));
        }
        return AdaptiveAvgPool2d1x1(x);
      },
      py::arg("input"), py::arg("output_size"));
  m.def(
      "group_norm",
      [](const Tensor& x, int64_t num_groups, const std::optional<Tensor>& w,
         const std::optional<Tensor>& b, double eps) {
        return GroupNorm(x, num_groups, OrUndefined(w), OrUndefined(b), eps);
      },
      py::arg("input"), py::arg("num_groups"), py::arg("weight") = py::none(),
      py::arg("bias") = py::none(), py::arg("eps") = 1e-5);
  m.def(
      "batch_norm",
      [](const Tensor& x, const std::optional<Tensor>& running_mean,
         const std::optional<Tensor>& running_var, const std::optional<Tensor>& w,
         const std::optional<Tensor>& b, bool training, double momentum, double eps) {
        BatchNormParams params;
        params.training = training;
        params.momentum = momentum;
        params.eps = eps;
        return BatchNorm(x, OrUndefined(running_mean), OrUndefined(running_var),
                         OrUndefined(w), OrUndefined(b), params);
      },
      py::arg("input"), py::arg("running_mean"), py::arg("running_var"),
      py::arg("weight") = py::none(), py::arg("bias") = py::none(),
      py::arg("training") = false, py::arg("momentum") = 0.1, py::arg("eps") = 1e-5);
  m.def("log_softmax", &LogSoftmax, py::arg("input"), py::arg("dim") = -1);
  m.def(
      "cross_entropy",
      [](const Tensor& logits, const py::object& target, const std::string& reduction) {
        return CrossEntropy(logits, ToTensor(target, logits.dtype(), "target"),
                            ParseReduction(reduction));
      },
      py::arg("input"), py::arg("target"), py::arg("reduction") = "mean",
      "Cross entropy of logits [N, C] with integer class labels [N] (a Tensor, array or "
      "list).");
  m.def(
      "mse_loss",
      [](const Tensor& x, const py::object& target, const std::string& reduction) {
        return MseLoss(x, ToTensor(target, x.dtype(), "target"), ParseReduction(reduction));
      },
      py::arg("input"), py::arg("target"), py::arg("reduction") = "mean");
}

}  // namespace acaode::bindings
