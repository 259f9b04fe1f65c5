// Reductions. Sum over several dims reduces one block of adjacent reduced
// dims per pass, from the innermost block out.
#include "autograd/ops/reduce.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "autograd/cpu/elementwise.h"
#include "autograd/cpu/reduce.h"
#include "autograd/dispatch.h"
#include "autograd/function.h"
#include "autograd/ops/elementwise.h"
#include "autograd/ops/kernels.h"

namespace acaode {
namespace {

using internal::NormalizeDim;

// Sorted, distinct, normalised dims (ValueError otherwise).
std::vector<int64_t> NormDims(const std::vector<int64_t>& dims, int64_t ndim, const char* op) {
  std::vector<int64_t> out;
  for (int64_t d : dims) out.push_back(NormalizeDim(d, ndim, op));
  std::sort(out.begin(), out.end());
  if (std::adjacent_find(out.begin(), out.end()) != out.end()) {
    throw ValueError(std::string(op) + ": repeated dim in the reduction dims");
  }
  return out;
}

int64_t Prod(const Shape& s, size_t b, size_t e) {
  int64_t p = 1;
  for (size_t i = b; i < e; ++i) p *= s[i];
  return p;
}

Shape KeepDimShape(const Shape& s, const std::vector<int64_t>& dims) {
  Shape k = s;
  for (int64_t d : dims) k[d] = 1;
  return k;
}

Shape DropDimShape(const Shape& s, const std::vector<int64_t>& dims) {
  Shape k;
  for (int64_t i = 0; i < static_cast<int64_t>(s.size()); ++i) {
    if (!std::binary_search(dims.begin(), dims.end(), i)) k.push_back(s[i]);
  }
  return k;
}

Tensor SumCpu(const Tensor& x, const std::vector<int64_t>& dims) {
  Tensor cur = x;
  Shape shape = x.shape();
  // Blocks of adjacent dims, innermost first.
  size_t j = dims.size();
  while (j > 0) {
    size_t i = j - 1;
    while (i > 0 && dims[i - 1] == dims[i] - 1) --i;
    const size_t b = static_cast<size_t>(dims[i]);
    const size_t e = static_cast<size_t>(dims[j - 1]) + 1;
    const int64_t outer = Prod(shape, 0, b);
    const int64_t r = Prod(shape, b, e);
    const int64_t inner = Prod(shape, e, shape.size());
    for (size_t k = b; k < e; ++k) shape[k] = 1;
    Tensor next = Empty(shape, x.dtype());
    DispatchFloat(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      cpu::SumORI(cur.data<T>(), next.mutable_data<T>(), outer, r, inner);
    });
    cur = next;
    j = i;
  }
  if (cur.is_same(x)) {  // no dims: a copy, never an alias of the input
    cur = Empty(shape, x.dtype());
    if (x.nbytes() > 0) std::memcpy(cur.raw_data(), x.raw_data(), x.nbytes());
  }
  return cur;
}

Tensor ExtremumCpu(const Tensor& x, int64_t dim, bool is_max, ArgPositions* arg) {
  const Shape& s = x.shape();
  const int64_t outer = Prod(s, 0, dim);
  const int64_t r = s[dim];
  const int64_t inner = Prod(s, dim + 1, s.size());
  Shape ks = s;
  ks[dim] = 1;
  Tensor out = Empty(ks, x.dtype());
  arg->count = outer * inner;
  arg->storage = Storage::Allocate(sizeof(int64_t) * static_cast<size_t>(arg->count), Device::kCpu);
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    cpu::ArgExtremumORI(x.data<T>(), out.mutable_data<T>(), arg->mutable_data(), outer, r, inner,
                        is_max);
  });
  return out;
}

Tensor ScatterAtArgCpu(const Tensor& g, const Shape& in_shape, int64_t dim,
                       const ArgPositions& arg) {
  Tensor out = Empty(in_shape, g.dtype());
  std::memset(out.raw_data(), 0, out.nbytes());
  const int64_t outer = Prod(in_shape, 0, dim);
  const int64_t r = in_shape[dim];
  const int64_t inner = Prod(in_shape, dim + 1, in_shape.size());
  DispatchFloat(g.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* pg = g.data<T>();
    T* po = out.mutable_data<T>();
    const int64_t* pos = arg.data();
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) {
        const int64_t k = o * inner + i;
        po[(o * r + pos[k]) * inner + i] = pg[k];
      }
    }
  });
  return out;
}

Tensor ArgMaxCpu(const Tensor& x, int64_t dim) {
  ArgPositions arg;
  Tensor v = ExtremumCpu(x, dim, /*is_max=*/true, &arg);
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* p = v.mutable_data<T>();
    const int64_t* pos = arg.data();
    for (int64_t i = 0; i < arg.count; ++i) p[i] = static_cast<T>(pos[i]);
  });
  return v;
}

std::vector<int64_t> AllDims(int64_t n) {
  std::vector<int64_t> d(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) d[i] = i;
  return d;
}

Tensor Extremum(const Tensor& t, int64_t dim, bool keepdim, bool is_max) {
  const char* op = is_max ? "Max" : "Min";
  if (!t.defined()) internal::ThrowUndefinedArg(op, "tensor");
  const int64_t d = NormalizeDim(dim, t.dim(), op);
  if (t.shape()[d] == 0) {
    throw ValueError(std::string(op) + ": reduction over an empty dim " + std::to_string(d) +
                     " of shape " + ShapeToString(t.shape()));
  }
  ArgPositions arg;
  Tensor y = extremum_kernel(t.device(), t, d, is_max, &arg);
  if (!keepdim) y = y.reshape(DropDimShape(t.shape(), {d}));
  // d max_r x = dx at the arg-max
  if (NeedsGrad(t)) {
    Record(is_max ? "MaxBackward" : "MinBackward", {t}, {y},
           [in_shape = t.shape(), d, arg = std::move(arg)](const Grads& g) {
             Shape ks = in_shape;
             ks[d] = 1;
             return Grads{scatter_at_arg_kernel(g[0].device(), g[0].reshape(ks), in_shape, d, arg)};
           });
  }
  return y;
}

Tensor ExtremumAll(const Tensor& t, bool is_max) {
  const char* op = is_max ? "Max" : "Min";
  if (!t.defined()) internal::ThrowUndefinedArg(op, "tensor");
  if (t.numel() == 0) {
    throw ValueError(std::string(op) + ": empty tensor of shape " + ShapeToString(t.shape()));
  }
  // Max over all = max along dim 0 of the flattened tensor.
  return Extremum(t.reshape({t.numel()}), 0, false, is_max);
}

}  // namespace

DeviceDispatch<Tensor(const Tensor&, const std::vector<int64_t>&)> sum_kernel("Sum", SumCpu);
DeviceDispatch<Tensor(const Tensor&, int64_t, bool, ArgPositions*)> extremum_kernel("Max/Min",
                                                                                    ExtremumCpu);
DeviceDispatch<Tensor(const Tensor&, const Shape&, int64_t, const ArgPositions&)>
    scatter_at_arg_kernel("Max/Min backward", ScatterAtArgCpu);
DeviceDispatch<Tensor(const Tensor&, int64_t)> argmax_kernel("ArgMax", ArgMaxCpu);

Tensor Sum(const Tensor& t, const std::vector<int64_t>& dims, bool keepdim) {
  if (!t.defined()) internal::ThrowUndefinedArg("Sum", "tensor");
  const std::vector<int64_t> nd = NormDims(dims, t.dim(), "Sum");
  Tensor y = sum_kernel(t.device(), t, nd);
  if (!keepdim) y = y.reshape(DropDimShape(t.shape(), nd));
  // d sum(x) = broadcast(dy) over the reduced dims
  if (NeedsGrad(t)) {
    Record("SumBackward", {t}, {y},
           [in_shape = t.shape(), ks = KeepDimShape(t.shape(), nd)](const Grads& g) {
             return Grads{BroadcastTo(g[0].reshape(ks), in_shape)};
           });
  }
  return y;
}

Tensor Sum(const Tensor& t) {
  if (!t.defined()) internal::ThrowUndefinedArg("Sum", "tensor");
  return Sum(t, AllDims(t.dim()), false);
}

Tensor Mean(const Tensor& t, const std::vector<int64_t>& dims, bool keepdim) {
  if (!t.defined()) internal::ThrowUndefinedArg("Mean", "tensor");
  const std::vector<int64_t> nd = NormDims(dims, t.dim(), "Mean");
  int64_t count = 1;
  for (int64_t d : nd) count *= t.shape()[d];
  if (count == 0) {
    throw ValueError("Mean: reduction over zero elements of shape " + ShapeToString(t.shape()));
  }
  // mean = sum / count (both steps differentiable)
  return Mul(Sum(t, nd, keepdim), 1.0 / static_cast<double>(count));
}

Tensor Mean(const Tensor& t) {
  if (!t.defined()) internal::ThrowUndefinedArg("Mean", "tensor");
  return Mean(t, AllDims(t.dim()), false);
}

Tensor Max(const Tensor& t) { return ExtremumAll(t, true); }
Tensor Min(const Tensor& t) { return ExtremumAll(t, false); }
Tensor Max(const Tensor& t, int64_t dim, bool keepdim) { return Extremum(t, dim, keepdim, true); }
Tensor Min(const Tensor& t, int64_t dim, bool keepdim) { return Extremum(t, dim, keepdim, false); }

Tensor ArgMax(const Tensor& t, int64_t dim, bool keepdim) {
  if (!t.defined()) internal::ThrowUndefinedArg("ArgMax", "tensor");
  const int64_t d = NormalizeDim(dim, t.dim(), "ArgMax");
  if (t.shape()[d] == 0) {
    throw ValueError("ArgMax: reduction over an empty dim " + std::to_string(d) + " of shape " +
                     ShapeToString(t.shape()));
  }
  Tensor v = argmax_kernel(t.device(), t, d);
  return keepdim ? v : v.reshape(DropDimShape(t.shape(), {d}));
}

Tensor Norm(const Tensor& t) {
  CheckCpu("Norm", t);
  Tensor y = Empty({}, t.dtype());
  DispatchFloat(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = t.data<T>();
    // Scaled sum of squares: no overflow for large entries.
    double scale = 0.0;
    for (int64_t i = 0; i < t.numel(); ++i) {
      scale = std::max(scale, std::abs(static_cast<double>(p[i])));
    }
    double ss = 0.0;
    if (scale > 0.0 && std::isfinite(scale)) {
      for (int64_t i = 0; i < t.numel(); ++i) {
        const double v = static_cast<double>(p[i]) / scale;
        ss += v * v;
      }
    }
    const double norm = scale > 0.0 && std::isfinite(scale) ? scale * std::sqrt(ss) : scale;
    *y.mutable_data<T>() = static_cast<T>(norm);
  });
  // d ||x|| = x / ||x|| . dx (0 at x = 0)
  if (NeedsGrad(t)) {
    Record("NormBackward", {t}, {y}, [t, y = y.detach()](const Grads& g) {
      const double n = y.item();
      const double gv = g[0].item();
      const double c = n > 0.0 ? gv / n : 0.0;
      return Grads{cpu::Map(t, [c](auto v) { return v * static_cast<decltype(v)>(c); })};
    });
  }
  return y;
}

}  // namespace acaode
