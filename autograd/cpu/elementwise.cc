#include "autograd/cpu/elementwise.h"

#include <string>

#include "autograd/cpu/isa/kernels.h"

namespace acaode {
namespace cpu {

namespace {
// out = kernel(g, y) over chunks in parallel: an activation's gradient through its output.
template <class Kernel>
Tensor GradThroughOutput(const Tensor& g, const Tensor& y, Kernel kernel) {
  Tensor out = Empty(g.shape(), g.dtype());
  DispatchFloat(g.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* pg = g.data<T>();
    const T* py = y.data<T>();
    T* po = out.mutable_data<T>();
    ParallelFor(g.numel(), kElementwiseGrain,
                [&](int64_t b, int64_t e) { kernel(pg + b, py + b, po + b, e - b); });
  });
  return out;
}
}  // namespace

Tensor ReluGrad(const Tensor& g, const Tensor& y) {
  return GradThroughOutput(g, y, [](const auto* pg, const auto* py, auto* po, int64_t n) {
    ReluGradKernel(pg, py, po, n);
  });
}

Tensor Tanh(const Tensor& x) {
  Tensor y = Empty(x.shape(), x.dtype());
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.mutable_data<T>();
    ParallelFor(x.numel(), kElementwiseGrain,
                [&](int64_t b, int64_t e) { TanhKernel<T>(px + b, py + b, e - b); });
  });
  return y;
}

Tensor TanhGrad(const Tensor& g, const Tensor& y) {
  return GradThroughOutput(g, y, [](const auto* pg, const auto* py, auto* po, int64_t n) {
    TanhGradKernel(pg, py, po, n);
  });
}

Tensor Scale(const Tensor& x, double c) {
  Tensor out = Empty(x.shape(), x.dtype());
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* po = out.mutable_data<T>();
    ParallelFor(x.numel(), kElementwiseGrain, [&](int64_t b, int64_t e) {
      ScaleKernel<T>(px + b, static_cast<T>(c), po + b, e - b);
    });
  });
  return out;
}

void CheckSameDType(const char* op, const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype()) {
    throw ValueError(std::string(op) + ": dtype mismatch, " + DTypeName(a.dtype()) + " " +
                     ShapeToString(a.shape()) + " and " + DTypeName(b.dtype()) + " " +
                     ShapeToString(b.shape()) + " (convert with .to(dtype))");
  }
}

void CheckBinaryArgs(const char* op, const Tensor& a, const Tensor& b) {
  if (!a.defined()) internal::ThrowUndefinedArg(op, "first argument");
  if (!b.defined()) internal::ThrowUndefinedArg(op, "second argument");
  CheckCpu(op, a);
  CheckCpu(op, b);
  CheckSameDType(op, a, b);
}

BroadcastPlan MakeBroadcastPlan(const Shape& a, const Shape& b, const Shape& out_shape) {
  const int nd = static_cast<int>(out_shape.size());
  if (nd > kMaxDims) {
    throw ValueError("broadcast: at most " + std::to_string(kMaxDims) +
                     " dims supported, got shape " + ShapeToString(out_shape));
  }
  int64_t size[kMaxDims], sa[kMaxDims], sb[kMaxDims];
  FullBroadcastStrides(a, b, out_shape, size, sa, sb);
  return MergeContiguousDims<BroadcastPlan>(nd, size, sa, sb);
}

}  // namespace cpu
}  // namespace acaode
