#include "autograd/ops/pool.h"

#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "autograd/cuda/nn_ops.h"
#include "autograd/dispatch.h"
#include "autograd/function.h"

namespace acaode {
namespace {

struct PoolGeom {
  int64_t planes, in_h, in_w, k, s, p, out_h, out_w;
};

// dst[plane, i, j] = sum over the window of src / k^2 (forward), or the
// adjoint (backward=true): dst[window] += src[plane, i, j] / k^2.
template <class T>
void AvgPoolKernel(const PoolGeom& g, const T* src, T* dst, bool backward) {
  const T inv = T(1) / static_cast<T>(g.k * g.k);
  for (int64_t pl = 0; pl < g.planes; ++pl) {
    const int64_t in_off = pl * g.in_h * g.in_w;
    const int64_t out_off = pl * g.out_h * g.out_w;
    for (int64_t i = 0; i < g.out_h; ++i) {
      const int64_t h0 = i * g.s - g.p;
      const int64_t ha = h0 < 0 ? 0 : h0;
      const int64_t hb = h0 + g.k > g.in_h ? g.in_h : h0 + g.k;
      for (int64_t j = 0; j < g.out_w; ++j) {
        const int64_t w0 = j * g.s - g.p;
        const int64_t wa = w0 < 0 ? 0 : w0;
        const int64_t wb = w0 + g.k > g.in_w ? g.in_w : w0 + g.k;
        if (!backward) {
          T acc = T(0);
          for (int64_t h = ha; h < hb; ++h) {
            const T* row = src + in_off + h * g.in_w;
            for (int64_t w = wa; w < wb; ++w) acc += row[w];
          }
          dst[out_off + i * g.out_w + j] = acc * inv;
        } else {
          const T v = src[out_off + i * g.out_w + j] * inv;
          for (int64_t h = ha; h < hb; ++h) {
            T* row = dst + in_off + h * g.in_w;
            for (int64_t w = wa; w < wb; ++w) row[w] += v;
          }
        }
      }
    }
  }
}

void Check4D(const char* op, const Tensor& x) {
  if (!x.defined()) internal::ThrowUndefinedArg(op, "input");
  if (x.dim() != 4) {
    throw ValueError(
        absl::StrCat(op, ": input must be 4-D [N, C, H, W], got shape ", ShapeToString(x.shape())));
  }
}

}  // namespace

Tensor AvgPool2d(const Tensor& x, AvgPool2dParams params) {
  Check4D("AvgPool2d", x);
  PoolGeom g;
  g.k = params.kernel;
  g.s = params.stride == 0 ? params.kernel : params.stride;
  g.p = params.padding;
  if (g.k < 1) {
    throw ValueError(absl::StrCat("AvgPool2d: kernel must be >= 1, got ", g.k));
  }
  if (g.s < 1) {
    throw ValueError(
        absl::StrCat("AvgPool2d: stride must be >= 1 (or 0 for "
                     "stride = kernel), got ",
                     params.stride));
  }
  if (g.p < 0 || 2 * g.p > g.k) {
    throw ValueError(absl::StrCat("AvgPool2d: padding must be in [0, kernel/2] = [0, ", g.k / 2,
                                  "], got ", g.p));
  }
  g.planes = x.size(0) * x.size(1);
  g.in_h = x.size(2);
  g.in_w = x.size(3);
  if (g.in_h + 2 * g.p < g.k || g.in_w + 2 * g.p < g.k) {
    throw ValueError(absl::StrCat("AvgPool2d: kernel ", g.k, " does not fit the padded input ",
                                  ShapeToString(x.shape())));
  }
  g.out_h = (g.in_h + 2 * g.p - g.k) / g.s + 1;
  g.out_w = (g.in_w + 2 * g.p - g.k) / g.s + 1;
  if (x.device() == Device::kCuda) return cuda::AvgPool2dOp(x, g.k, g.s, g.p);
  Tensor y = Empty({x.size(0), x.size(1), g.out_h, g.out_w}, x.dtype());
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    AvgPoolKernel<T>(g, x.data<T>(), y.data<T>(), false);
  });
  if (NeedsGrad(x)) {
    // dx[window] += dy / K^2
    Record("AvgPool2dBackward", {x}, {y},
           [g, shape = x.shape(), dtype = x.dtype()](const Grads& grads) {
             Tensor dx = Empty(shape, dtype);
             std::memset(dx.raw_data(), 0, dx.nbytes());
             DispatchFloat(dtype, [&](auto tag) {
               using T = decltype(tag);
               AvgPoolKernel<T>(g, grads[0].data<T>(), dx.data<T>(), true);
             });
             return Grads{dx};
           });
  }
  return y;
}

Tensor AdaptiveAvgPool2d1x1(const Tensor& x) {
  Check4D("AdaptiveAvgPool2d1x1", x);
  const int64_t planes = x.size(0) * x.size(1);
  const int64_t hw = x.size(2) * x.size(3);
  if (hw == 0) {
    throw ValueError(
        absl::StrCat("AdaptiveAvgPool2d1x1: empty planes in input ", ShapeToString(x.shape())));
  }
  if (x.device() == Device::kCuda) return cuda::AdaptiveAvgPool2d1x1Op(x);
  Tensor y = Empty({x.size(0), x.size(1), 1, 1}, x.dtype());
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    for (int64_t pl = 0; pl < planes; ++pl) {
      T acc = T(0);
      for (int64_t q = 0; q < hw; ++q) acc += px[pl * hw + q];
      py[pl] = acc / static_cast<T>(hw);
    }
  });
  if (NeedsGrad(x)) {
    // dx[n, c, h, w] = dy[n, c] / (H W)
    Record("AdaptiveAvgPool2d1x1Backward", {x}, {y},
           [planes, hw, shape = x.shape(), dtype = x.dtype()](const Grads& grads) {
             Tensor dx = Empty(shape, dtype);
             DispatchFloat(dtype, [&](auto tag) {
               using T = decltype(tag);
               const T* pg = grads[0].data<T>();
               T* pd = dx.data<T>();
               for (int64_t pl = 0; pl < planes; ++pl) {
                 const T v = pg[pl] / static_cast<T>(hw);
                 for (int64_t q = 0; q < hw; ++q) pd[pl * hw + q] = v;
               }
             });
             return Grads{dx};
           });
  }
  return y;
}

}  // namespace acaode
