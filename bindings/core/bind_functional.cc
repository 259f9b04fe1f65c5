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
  throw py::value_error(absl::StrCat("reduction: '", reduction, "' is not one of 'mean', 'sum'"));
}

}  // namespace

void BindFunctional(py::module_& root) {
  py::module_ nn = root.attr("nn").cast<py::module_>();
  py::module_ m = nn.def_submodule("functional", "NN ops as functions (acaode.nn.functional).");

  m.def("relu", &Relu, py::arg("input"),
        "relu(x) = max(x, 0) elementwise. Same shape and dtype as input. Differentiable with "
        "gradient 1 where x > 0, else 0.");
  m.def("tanh", &Tanh, py::arg("input"),
        "Hyperbolic tangent elementwise. Same shape and dtype as input. Differentiable "
        "(d/dx = 1 - tanh(x)^2).");
  m.def("sigmoid", &Sigmoid, py::arg("input"),
        "sigmoid(x) = 1 / (1 + exp(-x)) elementwise, computed stably. Same shape and dtype as "
        "input. Differentiable (d/dx = s (1 - s)).");
  m.def("softplus", &Softplus, py::arg("input"),
        "softplus(x) = log(1 + exp(x)) elementwise (beta = 1), computed stably. Same shape and "
        "dtype as input. Differentiable (d/dx = sigmoid(x)).");
  m.def(
      "linear",
      [](const Tensor& x, const Tensor& w, const std::optional<Tensor>& b) {
        return Linear(x, w, OrUndefined(b));
      },
      py::arg("input"), py::arg("weight"), py::arg("bias") = py::none(),
      "y = x W^T + b with weight [out, in]: input [..., in] (at least 1-D), bias [out] or "
      "None -> [..., out]. Differentiable in input, weight and bias. ValueError for "
      "mismatched shapes or dtypes.");
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
      py::arg("padding") = 0,
      "2-D convolution, NCHW (groups = 1, no dilation): input [N, C, H, W], weight "
      "[O, C, KH, KW], bias [O] or None -> [N, O, OH, OW] with OH = (H + 2 padding - KH) // "
      "stride + 1 (the same stride and zero padding in both spatial dims). Differentiable in "
      "input, weight and bias. ValueError for a non-4-D input or weight, a channel mismatch, "
      "a bias not [O], mixed dtypes, stride < 1, padding < 0, or a kernel larger than the "
      "padded image.");
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
      py::arg("padding") = 0,
      "Mean over kernel_size x kernel_size windows of input [N, C, H, W] -> [N, C, OH, OW], "
      "OH = (H + 2 padding - kernel_size) // stride + 1; stride defaults to kernel_size. The "
      "zero padding counts in the divisor (PyTorch's count_include_pad=True). "
      "Differentiable. ValueError for a non-4-D input, kernel_size < 1, stride < 1, padding "
      "outside [0, kernel_size / 2], or a kernel larger than the padded image.");
  m.def(
      "adaptive_avg_pool2d",
      [](const Tensor& x, int64_t output_size) {
        if (output_size != 1) {
          throw py::value_error(absl::StrCat("output_size: ", output_size,
                                             " is not supported; only 1 (global pooling)"));
        }
        return AdaptiveAvgPool2d1x1(x);
      },
      py::arg("input"), py::arg("output_size"),
      "Global average pooling [N, C, H, W] -> [N, C, 1, 1] (the mean of each H x W plane); "
      "only output_size=1 is supported (ValueError otherwise). Differentiable. ValueError "
      "for a non-4-D input or empty planes.");
  m.def(
      "group_norm",
      [](const Tensor& x, int64_t num_groups, const std::optional<Tensor>& w,
         const std::optional<Tensor>& b,
         double eps) { return GroupNorm(x, num_groups, OrUndefined(w), OrUndefined(b), eps); },
      py::arg("input"), py::arg("num_groups"), py::arg("weight") = py::none(),
      py::arg("bias") = py::none(), py::arg("eps") = 1e-5,
      "Group normalization of input [N, C, ...]: y = (x - mean) / sqrt(var + eps) * "
      "weight[c] + bias[c], with the mean and biased variance of each sample over each group "
      "of C / num_groups channels and all positions; weight and bias [C] or None (1 and 0). "
      "Differentiable in input, weight and bias. ValueError for fewer than 2 dims, num_groups "
      "not dividing C, weight or bias not [C] or of another dtype, or eps <= 0.");
  m.def(
      "batch_norm",
      [](const Tensor& x, const std::optional<Tensor>& running_mean,
         const std::optional<Tensor>& running_var, const std::optional<Tensor>& w,
         const std::optional<Tensor>& b, bool training, double momentum, double eps) {
        BatchNormParams params;
        params.training = training;
        params.momentum = momentum;
        params.eps = eps;
        return BatchNorm(x, OrUndefined(running_mean), OrUndefined(running_var), OrUndefined(w),
                         OrUndefined(b), params);
      },
      py::arg("input"), py::arg("running_mean"), py::arg("running_var"),
      py::arg("weight") = py::none(), py::arg("bias") = py::none(), py::arg("training") = false,
      py::arg("momentum") = 0.1, py::arg("eps") = 1e-5,
      "Batch normalization of input [N, C, ...]: y = (x - mean) / sqrt(var + eps) * weight[c] "
      "+ bias[c] per channel c. With training=True, or when running_mean and running_var are "
      "None, mean and var are the batch mean and biased variance over N and all positions; "
      "otherwise the running statistics. With training=True, given running statistics are "
      "updated in place (no autograd): running = (1 - momentum) running + momentum stat, "
      "with the unbiased variance. running_mean and running_var: both [C] or both None; "
      "weight and bias: [C] or None (1 and 0). Differentiable in input, weight and bias. "
      "ValueError for bad shapes or dtypes, eps <= 0, or batch statistics of one value per "
      "channel.");
  m.def("log_softmax", &LogSoftmax, py::arg("input"), py::arg("dim") = -1,
        "log(softmax(x)) along dim, computed stably: y_i = x_i - m - log(sum_j exp(x_j - m)) "
        "with m the max along dim. Same shape and dtype as input. Differentiable. ValueError "
        "for a 0-d input or a dim out of range.");
  m.def(
      "cross_entropy",
      [](const Tensor& logits, const py::object& target, const std::string& reduction) {
        return CrossEntropy(logits, ToTensor(target, logits.dtype(), "target"),
                            ParseReduction(reduction));
      },
      py::arg("input"), py::arg("target"), py::arg("reduction") = "mean",
      "Cross entropy of logits [N, C] with integer class labels [N] (a Tensor, array or "
      "list): -sum_n log_softmax(input)[n, target[n]], divided by N for reduction='mean' (not "
      "for 'sum'), as a 0-d tensor. Differentiable in input only (gradient softmax - "
      "onehot(target), / N for 'mean'). ValueError for input not 2-D, a wrong number of "
      "labels, a label not an integer in [0, C), a mean over an empty batch, or a reduction "
      "other than 'mean' and 'sum'.");
  m.def(
      "mse_loss",
      [](const Tensor& x, const py::object& target, const std::string& reduction) {
        return MseLoss(x, ToTensor(target, x.dtype(), "target"), ParseReduction(reduction));
      },
      py::arg("input"), py::arg("target"), py::arg("reduction") = "mean",
      "Mean squared error: sum((input - target)^2), divided by input.numel() for "
      "reduction='mean' (not for 'sum'), as a 0-d tensor. target: a Tensor or array-like of "
      "exactly input's shape (no broadcasting), converted to input's dtype. Differentiable in "
      "input and target. ValueError for a shape mismatch, a mean over an empty input, or a "
      "reduction other than 'mean' and 'sum'.");
}

}  // namespace acaode::bindings
