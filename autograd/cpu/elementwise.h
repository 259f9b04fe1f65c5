// CPU elementwise kernels: maps and broadcasting binary loops.
//
// Kernels take a functor applied per element; with DispatchFloat the same
// generic lambda serves float and double:
//
//   Tensor y = cpu::Map(x, [](auto v) { return std::tanh(v); });
//   Tensor z = cpu::Broadcast("Add", a, b, [](auto p, auto q) { return p + q; });
//
// Broadcasting: the shapes are aligned at the last dim, each input gets
// stride 0 along the dims where it is stretched, adjacent dims that stay
// contiguous in both inputs are merged, and the loop runs over the merged
// outer dims with a tight innermost loop (specialised for the innermost
// strides (1, 1), (1, 0) and (0, 1) so the compiler vectorises them).
#ifndef ACAODE_AUTOGRAD_CPU_ELEMENTWISE_H_
#define ACAODE_AUTOGRAD_CPU_ELEMENTWISE_H_

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <type_traits>

#include "autograd/broadcast_strides.h"
#include "autograd/cpu/parallel.h"
#include "autograd/dispatch.h"
#include "autograd/dtype.h"
#include "autograd/error.h"
#include "autograd/tensor.h"

namespace acaode {
namespace cpu {

// Tensors with more dims than this are rejected by broadcasting ops.
constexpr int kMaxDims = kMaxBroadcastDims;

// Iteration plan of a broadcasting binary op after merging dims.
struct BroadcastPlan {
  int ndim = 0;
  int64_t size[kMaxDims];
  int64_t stride_a[kMaxDims];
  int64_t stride_b[kMaxDims];
};

// out_shape must be the broadcast of a and b (see BroadcastShapes).
BroadcastPlan MakeBroadcastPlan(const Shape& a, const Shape& b, const Shape& out_shape);

// out[i] = f(a[...], b[...]) over the plan (row-major output).
template <class T, class F>
void BroadcastLoop(const T* a, const T* b, T* out, const BroadcastPlan& p, F&& f) {
  if (p.ndim == 0) {
    out[0] = f(a[0], b[0]);
    return;
  }
  const int last = p.ndim - 1;
  const int64_t n = p.size[last];
  const int64_t sa = p.stride_a[last];
  const int64_t sb = p.stride_b[last];
  int64_t outer = 1;
  for (int d = 0; d < last; ++d) outer *= p.size[d];
  int64_t idx[kMaxDims] = {0};
  int64_t oa = 0, ob = 0;
  for (int64_t o = 0; o < outer; ++o) {
    const T* pa = a + oa;
    const T* pb = b + ob;
    T* po = out + o * n;
    if (sa == 1 && sb == 1) {
      for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], pb[i]);
    } else if (sa == 1 && sb == 0) {
      const T vb = pb[0];
      for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], vb);
    } else if (sa == 0 && sb == 1) {
      const T va = pa[0];
      for (int64_t i = 0; i < n; ++i) po[i] = f(va, pb[i]);
    } else {
      for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i * sa], pb[i * sb]);
    }
    for (int d = last - 1; d >= 0; --d) {
      if (++idx[d] < p.size[d]) {
        oa += p.stride_a[d];
        ob += p.stride_b[d];
        break;
      }
      oa -= p.stride_a[d] * (p.size[d] - 1);
      ob -= p.stride_b[d] * (p.size[d] - 1);
      idx[d] = 0;
    }
  }
}

// y = f(x) elementwise; a new tensor of x's shape and dtype.
template <class F>
Tensor Map(const Tensor& x, F&& f) {
  Tensor y = Empty(x.shape(), x.dtype());
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.mutable_data<T>();
    ParallelFor(x.numel(), kElementwiseGrain, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) py[i] = f(px[i]);
    });
  });
  return y;
}

// y = f(X) where X is an Eigen array map of x and f returns an Eigen array
// expression: for transcendental functions Eigen has vectorised versions of
// (e.g. float exp/log/sin/cos; sqrt for both). Tanh has its own kernel
// (autograd/cpu/isa/kernels.h).
//   Tensor y = cpu::MapArray(x, [](const auto& a) { return a.exp(); });
template <class F>
Tensor MapArray(const Tensor& x, F&& f) {
  Tensor y = Empty(x.shape(), x.dtype());
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using Array = Eigen::Array<T, Eigen::Dynamic, 1>;
    const T* px = x.data<T>();
    T* py = y.mutable_data<T>();
    ParallelFor(x.numel(), kElementwiseGrain, [&](int64_t b, int64_t e) {
      const Eigen::Map<const Array> in(px + b, e - b);
      Eigen::Map<Array> out(py + b, e - b);
      out = f(in);
    });
  });
  return y;
}

// y = f(x, z) elementwise for x and z of the same shape and dtype (checked
// by the caller: used for backward formulas of elementwise ops).
template <class F>
Tensor Map2(const Tensor& x, const Tensor& z, F&& f) {
  Tensor y = Empty(x.shape(), x.dtype());
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    const T* pz = z.data<T>();
    T* py = y.mutable_data<T>();
    ParallelFor(x.numel(), kElementwiseGrain, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) py[i] = f(px[i], pz[i]);
    });
  });
  return y;
}

// Same with three same-shape operands.
template <class F>
Tensor Map3(const Tensor& x, const Tensor& z, const Tensor& w, F&& f) {
  Tensor y = Empty(x.shape(), x.dtype());
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    const T* pz = z.data<T>();
    const T* pw = w.data<T>();
    T* py = y.mutable_data<T>();
    ParallelFor(x.numel(), kElementwiseGrain, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) py[i] = f(px[i], pz[i], pw[i]);
    });
  });
  return y;
}

// [y > 0] g, ReLU's gradient through its output y (same shape and dtype as g); tanh(x)
// (Note [Vectorised tanh]); (1 - y^2) g, tanh's gradient through its output y; and c x:
// the instruction-set kernels (autograd/cpu/isa/kernels.h) over chunks in parallel.
Tensor ReluGrad(const Tensor& g, const Tensor& y);
Tensor Tanh(const Tensor& x);
Tensor TanhGrad(const Tensor& g, const Tensor& y);
Tensor Scale(const Tensor& x, double c);

// ValueError naming the op and both dtypes and shapes unless a and b share their dtype.
void CheckSameDType(const char* op, const Tensor& a, const Tensor& b);

// Checks that a binary op's arguments are defined CPU tensors of one dtype (ValueError
// naming the op).
void CheckBinaryArgs(const char* op, const Tensor& a, const Tensor& b);

// out = f(a, b) broadcast to out_shape, the broadcast of a's and b's shapes; the arguments
// were validated by the caller (CheckBinaryArgs, BroadcastShapes).
template <class F>
Tensor Broadcast(const Tensor& a, const Tensor& b, const Shape& out_shape, F&& f);

template <class F>
Tensor Broadcast(const Tensor& a, const Tensor& b, const Shape& out_shape, F&& f) {
  const DType dtype = a.dtype();
  Tensor out = Empty(out_shape, dtype);
  if (out.numel() == 0) return out;
  if (a.shape() == b.shape()) {  // fast path: no broadcasting
    DispatchFloat(dtype, [&](auto tag) {
      using T = decltype(tag);
      const T* pa = a.data<T>();
      const T* pb = b.data<T>();
      T* po = out.mutable_data<T>();
      ParallelFor(a.numel(), kElementwiseGrain, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) po[i] = f(pa[i], pb[i]);
      });
    });
    return out;
  }
  const BroadcastPlan plan = MakeBroadcastPlan(a.shape(), b.shape(), out_shape);
  DispatchFloat(dtype, [&](auto tag) {
    using T = decltype(tag);
    BroadcastLoop(a.data<T>(), b.data<T>(), out.mutable_data<T>(), plan, f);
  });
  return out;
}

}  // namespace cpu
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CPU_ELEMENTWISE_H_
