#include "autograd/ops/linear.h"

#include <algorithm>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "autograd/cpu/elementwise.h"
#include "autograd/cpu/gemm.h"
#include "autograd/cpu/isa/kernels.h"
#include "autograd/cpu/onednn_runtime.h"
#include "autograd/cpu/parallel.h"
#include "autograd/dispatch.h"
#include "autograd/function.h"
#include "autograd/ops/nn_kernels.h"
#include "autograd/ops/record_list.h"

namespace acaode {
namespace {

void CheckArgs(const Tensor& x, const Tensor& w, const Tensor& b) {
  if (!x.defined()) internal::ThrowUndefinedArg("Linear", "input");
  if (!w.defined()) internal::ThrowUndefinedArg("Linear", "weight");
  if (x.device() != w.device()) {
    throw ValueError("Linear: input and weight on different devices (cpu and cuda)");
  }
  if (w.dim() != 2) {
    throw ValueError(
        absl::StrCat("Linear: weight must be 2-D [out, in], got ", ShapeToString(w.shape())));
  }
  if (x.dim() < 1 || x.size(-1) != w.size(1)) {
    throw ValueError(absl::StrCat("Linear: input ", ShapeToString(x.shape()),
                                  " does not end in weight's in_features ", w.size(1), " (weight ",
                                  ShapeToString(w.shape()), ")"));
  }
  if (x.dtype() != w.dtype()) {
    throw ValueError(absl::StrCat("Linear: dtype mismatch: input ", DTypeName(x.dtype()),
                                  ", weight ", DTypeName(w.dtype())));
  }
  if (b.defined()) {
    if (b.device() != x.device()) {
      throw ValueError("Linear: bias and input on different devices (cpu and cuda)");
    }
    if (b.dim() != 1 || b.size(0) != w.size(0)) {
      throw ValueError(absl::StrCat("Linear: bias must have shape [", w.size(0), "], got ",
                                    ShapeToString(b.shape())));
    }
    if (b.dtype() != x.dtype()) {
      throw ValueError(absl::StrCat("Linear: dtype mismatch: input ", DTypeName(x.dtype()),
                                    ", bias ", DTypeName(b.dtype())));
    }
  }
}

// dx = dp W; dW = dp^T x; db = sum_rows dp, for dp the gradient of the pre-activation
// x W^T + b (rows = x's leading dims flattened).
LinearGrads LinearBackwardCpu(const Tensor& dp, const Tensor& x, const Tensor& w,
                              const GradsNeeded& need) {
  const int64_t in = w.size(1), out = w.size(0);
  const int64_t rows = in == 0 ? 0 : x.numel() / in;
  LinearGrads d;
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* pg = dp.data<T>();
    if (need.x) {
      d.dx = Empty(x.shape(), x.dtype());
      cpu::Gemm<T>(false, false, rows, in, out, pg, w.data<T>(), d.dx.data<T>(), false);
    }
    if (need.w) {
      d.dw = Empty(w.shape(), w.dtype());
      cpu::Gemm<T>(true, false, out, in, rows, pg, x.data<T>(), d.dw.data<T>(), false);
    }
    if (need.b) {
      d.db = Empty({out}, x.dtype());
      cpu::ColumnSumKernel<T>(pg, rows, out, d.db.data<T>());
    }
  });
  return d;
}

// act'(y) ⊙ g, the gradient of the pre-activation from the output's.
Tensor ActivationBackwardCpu(const Tensor& g, const Tensor& y, cpu::Activation act) {
  if (act == cpu::Activation::kRelu) return cpu::ReluGrad(g, y);  // [y > 0] g
  return cpu::TanhGrad(g, y);                                     // (1 - y^2) g
}

Tensor LinearCpu(const Tensor& x, const Tensor& w, const Tensor& b, cpu::Activation act) {
  const int64_t in = w.size(1), out = w.size(0);
  const int64_t rows = in == 0 ? 0 : x.numel() / in;
  Shape out_shape = x.shape();
  out_shape.back() = out;
  Tensor y = Empty(out_shape, x.dtype());
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* py = y.data<T>();
    const T* pb = b.defined() ? b.data<T>() : nullptr;
    // Small products in one pass (Note [Fused small Linear]); float32 products that
    // cpu::Gemm gives to oneDNN keep that path.
    bool one_dnn = false;
    if constexpr (std::is_same_v<T, float>) one_dnn = cpu::UseOneDnnSgemm(rows, out, in);
    if (!one_dnn &&
        cpu::LinearActivationKernel<T>(x.data<T>(), w.data<T>(), pb, py, rows, in, out, act)) {
      return;
    }
    cpu::Gemm<T>(false, true, rows, out, in, x.data<T>(), w.data<T>(), py, false);
    if (b.defined() || act != cpu::Activation::kNone) {
      cpu::ParallelFor(rows,
                       std::max<int64_t>(1, cpu::kElementwiseGrain / std::max<int64_t>(1, out)),
                       [&](int64_t r0, int64_t r1) {
                         cpu::BiasActivationKernel<T>(py + r0 * out, pb, r1 - r0, out, act);
                       });
    }
  });
  return y;
}

}  // namespace

DeviceDispatch<Tensor(const Tensor&, const Tensor&, const Tensor&, cpu::Activation)> linear_kernel(
    "Linear", LinearCpu);
DeviceDispatch<Tensor(const Tensor&, const Tensor&, cpu::Activation)> activation_backward_kernel(
    "Linear activation backward", ActivationBackwardCpu);
DeviceDispatch<LinearGrads(const Tensor&, const Tensor&, const Tensor&, const GradsNeeded&)>
    linear_backward_kernel("Linear backward", LinearBackwardCpu);

Tensor LinearActivation(const Tensor& x, const Tensor& w, const Tensor& b, cpu::Activation act) {
  CheckArgs(x, w, b);
  Tensor y = linear_kernel(x.device(), x, w, b, act);
  if (NeedsGrad(x, w, b)) {
    std::vector<Tensor> inputs = {x, w};
    if (b.defined()) inputs.push_back(b);
    const GradsNeeded need{x.requires_grad(), w.requires_grad(), b.defined() && b.requires_grad()};
    const char* name = act == cpu::Activation::kTanh   ? "LinearTanhBackward"
                       : act == cpu::Activation::kRelu ? "LinearReluBackward"
                                                       : "LinearBackward";
    // Saves the output for the activation's derivative (undefined for kNone).
    const Tensor saved_y = act == cpu::Activation::kNone ? Tensor() : y.detach();
    internal::RecordList(
        name, inputs, y, [x, w, saved_y, act, has_b = b.defined(), need](const Grads& g) {
          const Device device = g[0].device();
          const Tensor dp = act == cpu::Activation::kNone
                                ? g[0]
                                : activation_backward_kernel(device, g[0], saved_y, act);
          LinearGrads d = linear_backward_kernel(device, dp, x, w, need);
          return has_b ? Grads{d.dx, d.dw, d.db} : Grads{d.dx, d.dw};
        });
  }
  return y;
}

Tensor Linear(const Tensor& x, const Tensor& w, const Tensor& b) {
  return LinearActivation(x, w, b, cpu::Activation::kNone);
}

}  // namespace acaode
