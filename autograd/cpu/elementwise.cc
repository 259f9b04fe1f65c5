#include "autograd/cpu/elementwise.h"

#include <string>

#include "autograd/cpu/isa/kernels.h"

namespace acaode {
namespace cpu {

Tensor ReluGrad(const Tensor& g, const Tensor& y) {
  Tensor out = Empty(g.shape(), g.dtype());
  DispatchFloat(g.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* pg = g.data<T>();
    const T* py = y.data<T>();
    T* po = out.mutable_data<T>();
    ParallelFor(g.numel(), kElementwiseGrain,
                [&](int64_t b, int64_t e) { ReluGradKernel<T>(pg + b, py + b, po + b, e - b); });
  });
  return out;
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

void CheckBinaryArgs(const char* op, const Tensor& a, const Tensor& b) {
  if (!a.defined()) internal::ThrowUndefinedArg(op, "first argument");
  if (!b.defined()) internal::ThrowUndefinedArg(op, "second argument");
  CheckCpu(op, a);
  CheckCpu(op, b);
  if (a.dtype() != b.dtype()) {
    throw ValueError(std::string(op) + ": dtype mismatch, " + DTypeName(a.dtype()) + " " +
                     ShapeToString(a.shape()) + " and " + DTypeName(b.dtype()) + " " +
                     ShapeToString(b.shape()) + " (convert with .to(dtype))");
  }
}

BroadcastPlan MakeBroadcastPlan(const Shape& a, const Shape& b, const Shape& out_shape) {
  const int nd = static_cast<int>(out_shape.size());
  if (nd > kMaxDims) {
    throw ValueError("broadcast: at most " + std::to_string(kMaxDims) +
                     " dims supported, got shape " + ShapeToString(out_shape));
  }
  // Full (unmerged) strides, 0 where an input is stretched or missing.
  int64_t size[kMaxDims], sa[kMaxDims], sb[kMaxDims];
  int64_t ra = 1, rb = 1;
  const int la = static_cast<int>(a.size()), lb = static_cast<int>(b.size());
  for (int d = nd - 1; d >= 0; --d) {
    size[d] = out_shape[d];
    const int da = d - (nd - la), db = d - (nd - lb);
    const int64_t na = da >= 0 ? a[da] : 1;
    const int64_t nb = db >= 0 ? b[db] : 1;
    sa[d] = (na == 1 && size[d] != 1) ? 0 : ra;
    sb[d] = (nb == 1 && size[d] != 1) ? 0 : rb;
    ra *= na;
    rb *= nb;
  }
  // Drop size-1 dims, then merge dim d into d+1 when both inputs stay
  // contiguous across the pair.
  BroadcastPlan p;
  for (int d = 0; d < nd; ++d) {
    if (size[d] == 1) continue;
    if (p.ndim > 0) {
      const int q = p.ndim - 1;
      if (p.stride_a[q] == sa[d] * size[d] && p.stride_b[q] == sb[d] * size[d]) {
        p.size[q] *= size[d];
        p.stride_a[q] = sa[d];
        p.stride_b[q] = sb[d];
        continue;
      }
    }
    p.size[p.ndim] = size[d];
    p.stride_a[p.ndim] = sa[d];
    p.stride_b[p.ndim] = sb[d];
    ++p.ndim;
  }
  return p;
}

}  // namespace cpu
}  // namespace acaode
