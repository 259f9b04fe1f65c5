#include "autograd/ops/pool.h"

#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "autograd/dispatch.h"
#include "autograd/function.h"
#include "autograd/ops/nn_kernels.h"

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

// The window geometry of an [N, C, H, W] input (arguments validated by AvgPool2d).
PoolGeom GeomOf(const Shape& x_shape, int64_t kernel, int64_t stride, int64_t padding) {
  PoolGeom g;
  g.k = kernel;
  g.s = stride;
  g.p = padding;
  g.planes = x_shape[0] * x_shape[1];
  g.in_h = x_shape[2];
  g.in_w = x_shape[3];
  g.out_h = (g.in_h + 2 * g.p - g.k) / g.s + 1;
  g.out_w = (g.in_w + 2 * g.p - g.k) / g.s + 1;
  return g;
}

Tensor AvgPool2dCpu(const Tensor& x, int64_t kernel, int64_t stride, int64_t padding) {
  const PoolGeom g = GeomOf(x.shape(), kernel, stride, padding);
  Tensor y = Empty({x.size(0), x.size(1), g.out_h, g.out_w}, x.dtype());
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    AvgPoolKernel<T>(g, x.data<T>(), y.data<T>(), false);
  });
  return y;
}

Tensor AvgPool2dBackwardCpu(const Tensor& dy, const Shape& x_shape, int64_t kernel, int64_t stride,
                            int64_t padding) {
  const PoolGeom g = GeomOf(x_shape, kernel, stride, padding);
  Tensor dx = Empty(x_shape, dy.dtype());
  std::memset(dx.raw_data(), 0, dx.nbytes());
  DispatchFloat(dy.dtype(), [&](auto tag) {
    using T = decltype(tag);
    AvgPoolKernel<T>(g, dy.data<T>(), dx.data<T>(), true);
  });
  return dx;
}

Tensor PlaneMeanCpu(const Tensor& x) {
  const int64_t planes = x.size(0) * x.size(1);
  const int64_t hw = x.size(2) * x.size(3);
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
  return y;
}

Tensor PlaneMeanBackwardCpu(const Tensor& dy, const Shape& x_shape) {
  const int64_t planes = x_shape[0] * x_shape[1];
  const int64_t hw = x_shape[2] * x_shape[3];
  Tensor dx = Empty(x_shape, dy.dtype());
  DispatchFloat(dy.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* pg = dy.data<T>();
    T* pd = dx.data<T>();
    for (int64_t pl = 0; pl < planes; ++pl) {
      const T v = pg[pl] / static_cast<T>(hw);
      for (int64_t q = 0; q < hw; ++q) pd[pl * hw + q] = v;
    }
  });
  return dx;
}

}  // namespace

DeviceDispatch<Tensor(const Tensor&, int64_t, int64_t, int64_t)> avg_pool2d_kernel("AvgPool2d",
                                                                                   AvgPool2dCpu);
DeviceDispatch<Tensor(const Tensor&, const Shape&, int64_t, int64_t, int64_t)>
    avg_pool2d_backward_kernel("AvgPool2d backward", AvgPool2dBackwardCpu);
DeviceDispatch<Tensor(const Tensor&)> plane_mean_kernel("AdaptiveAvgPool2d1x1", PlaneMeanCpu);
DeviceDispatch<Tensor(const Tensor&, const Shape&)> plane_mean_backward_kernel(
    "AdaptiveAvgPool2d1x1 backward", PlaneMeanBackwardCpu);

Tensor AvgPool2d(const Tensor& x, AvgPool2dParams params) {
  Check4D("AvgPool2d", x);
  const int64_t k = params.kernel;
  const int64_t stride = params.stride == 0 ? params.kernel : params.stride;
  const int64_t p = params.padding;
  if (k < 1) {
    throw ValueError(absl::StrCat("AvgPool2d: kernel must be >= 1, got ", k));
  }
  if (stride < 1) {
    throw ValueError(absl::StrCat("AvgPool2d: stride must be >= 1 (or 0 for stride = kernel), got ",
                                  params.stride));
  }
  if (p < 0 || 2 * p > k) {
    throw ValueError(
        absl::StrCat("AvgPool2d: padding must be in [0, kernel/2] = [0, ", k / 2, "], got ", p));
  }
  if (x.size(2) + 2 * p < k || x.size(3) + 2 * p < k) {
    throw ValueError(absl::StrCat("AvgPool2d: kernel ", k, " does not fit the padded input ",
                                  ShapeToString(x.shape())));
  }
  Tensor y = avg_pool2d_kernel(x.device(), x, k, stride, p);
  if (NeedsGrad(x)) {
    // dx[window] += dy / K^2
    Record("AvgPool2dBackward", {x}, {y}, [shape = x.shape(), k, stride, p](const Grads& g) {
      return Grads{avg_pool2d_backward_kernel(g[0].device(), g[0], shape, k, stride, p)};
    });
  }
  return y;
}

Tensor AdaptiveAvgPool2d1x1(const Tensor& x) {
  Check4D("AdaptiveAvgPool2d1x1", x);
  if (x.size(2) * x.size(3) == 0) {
    throw ValueError(
        absl::StrCat("AdaptiveAvgPool2d1x1: empty planes in input ", ShapeToString(x.shape())));
  }
  Tensor y = plane_mean_kernel(x.device(), x);
  if (NeedsGrad(x)) {
    // dx[n, c, h, w] = dy[n, c] / (H W)
    Record("AdaptiveAvgPool2d1x1Backward", {x}, {y}, [shape = x.shape()](const Grads& grads) {
      return Grads{plane_mean_backward_kernel(grads[0].device(), grads[0], shape)};
    });
  }
  return y;
}

}  // namespace acaode
