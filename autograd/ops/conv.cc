#include "autograd/ops/conv.h"

#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "autograd/cpu/gemm.h"
#include "autograd/cpu/im2col.h"
#include "autograd/cpu/onednn_conv.h"
#include "autograd/dispatch.h"
#include "autograd/function.h"
#include "autograd/grad_mode.h"
#include "autograd/ops/nn_kernels.h"

namespace acaode {
namespace {

[[noreturn]] void Fail(const std::string& what) {
  throw ValueError(absl::StrCat("Conv2d: ", what));
}

cpu::ConvGeometry CheckArgs(const Tensor& x, const Tensor& w, const Tensor& b,
                            const Conv2dParams& p) {
  if (!x.defined()) internal::ThrowUndefinedArg("Conv2d", "input");
  if (!w.defined()) internal::ThrowUndefinedArg("Conv2d", "weight");
  if (x.device() != w.device()) {
    throw ValueError("Conv2d: input and weight on different devices (cpu and cuda)");
  }
  if (x.dim() != 4) {
    Fail(absl::StrCat("input must be 4-D [N, C, H, W], got shape ", ShapeToString(x.shape())));
  }
  if (w.dim() != 4) {
    Fail(absl::StrCat("weight must be 4-D [O, C, KH, KW], got shape ", ShapeToString(w.shape())));
  }
  if (x.size(1) != w.size(1)) {
    Fail(absl::StrCat("input has ", x.size(1), " channels but weight ", ShapeToString(w.shape()),
                      " expects ", w.size(1)));
  }
  if (x.dtype() != w.dtype()) {
    Fail(absl::StrCat("dtype mismatch: input ", DTypeName(x.dtype()), ", weight ",
                      DTypeName(w.dtype())));
  }
  if (b.defined()) {
    if (b.device() != x.device()) {
      throw ValueError("Conv2d: bias and input on different devices (cpu and cuda)");
    }
    if (b.dim() != 1 || b.size(0) != w.size(0)) {
      Fail(absl::StrCat("bias must have shape [", w.size(0), "], got ", ShapeToString(b.shape())));
    }
    if (b.dtype() != x.dtype()) {
      Fail(absl::StrCat("dtype mismatch: input ", DTypeName(x.dtype()), ", bias ",
                        DTypeName(b.dtype())));
    }
  }
  if (p.stride < 1) Fail(absl::StrCat("stride must be >= 1, got ", p.stride));
  if (p.padding < 0) {
    Fail(absl::StrCat("padding must be >= 0, got ", p.padding));
  }
  cpu::ConvGeometry g;
  g.batch = x.size(0);
  g.channels = x.size(1);
  g.in_h = x.size(2);
  g.in_w = x.size(3);
  g.kernel_h = w.size(2);
  g.kernel_w = w.size(3);
  g.stride_h = g.stride_w = p.stride;
  g.pad_h = g.pad_w = p.padding;
  if (g.kernel_h < 1 || g.kernel_w < 1 || g.in_h + 2 * p.padding < g.kernel_h ||
      g.in_w + 2 * p.padding < g.kernel_w) {
    Fail(absl::StrCat("kernel ", g.kernel_h, "x", g.kernel_w, " does not fit the padded input ",
                      g.in_h, "x", g.in_w, " with padding ", p.padding));
  }
  g.out_h = (g.in_h + 2 * g.pad_h - g.kernel_h) / g.stride_h + 1;
  g.out_w = (g.in_w + 2 * g.pad_w - g.kernel_w) / g.stride_w + 1;
  return g;
}

// col = im2col(x): [C*KH*KW, N*OH*OW].
Tensor Im2Col(const cpu::ConvGeometry& g, const Tensor& x) {
  Tensor col = Empty({g.col_rows(), g.col_cols()}, x.dtype());
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    cpu::Im2Col(x.data<T>(), g, col.data<T>());
  });
  return col;
}

// y = conv(x, w) + b as one GEMM over the im2col matrix, which it returns.
Tensor Im2ColForward(const cpu::ConvGeometry& g, const Tensor& x, const Tensor& w, const Tensor& b,
                     Tensor& y) {
  const int64_t out_c = w.size(0);
  const int64_t krows = g.col_rows();
  const int64_t ncols = g.col_cols();
  const int64_t opix = g.out_h * g.out_w;
  Tensor col = Im2Col(g, x);
  DispatchFloat(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* py = y.data<T>();
    const T* pb = b.defined() ? b.data<T>() : nullptr;
    if (g.batch == 1) {
      // [O, P] is already the layout of y.
      cpu::Gemm<T>(false, false, out_c, ncols, krows, w.data<T>(), col.data<T>(), py, false);
      if (pb) {
        for (int64_t o = 0; o < out_c; ++o) {
          for (int64_t q = 0; q < ncols; ++q) py[o * ncols + q] += pb[o];
        }
      }
      return;
    }
    Tensor tmp = Empty({out_c, ncols}, x.dtype());
    cpu::Gemm<T>(false, false, out_c, ncols, krows, w.data<T>(), col.data<T>(), tmp.data<T>(),
                 false);
    // [O, N*P] -> [N, O, P], adding the bias.
    const T* pt = tmp.data<T>();
    for (int64_t n = 0; n < g.batch; ++n) {
      for (int64_t o = 0; o < out_c; ++o) {
        const T* src = pt + o * ncols + n * opix;
        T* dst = py + (n * out_c + o) * opix;
        const T bias = pb ? pb[o] : T(0);
        for (int64_t q = 0; q < opix; ++q) dst[q] = src[q] + bias;
      }
    }
  });
  return col;
}

// The gradients of Im2ColForward for output gradient gy, written into whichever of dx, dw
// and db are defined (allocated by the caller): dL/dW = G col^T, dL/dcol = W^T G (then
// col2im), dL/db = sum G, with G = dL/dy as [O, N*OH*OW]. col is needed for dw only.
void Im2ColBackward(const cpu::ConvGeometry& g, int64_t out_c, const Tensor& w, const Tensor& col,
                    const Tensor& gy, Tensor dx, Tensor dw, Tensor db) {
  if (!dx.defined() && !dw.defined() && !db.defined()) return;
  const int64_t krows = g.col_rows();
  const int64_t ncols = g.col_cols();
  const int64_t opix = g.out_h * g.out_w;
  DispatchFloat(gy.dtype(), [&](auto tag) {
    using T = decltype(tag);
    // Gather G = dy as [O, N*P].
    Tensor gt = Empty({out_c, ncols}, gy.dtype());
    T* pg = gt.data<T>();
    const T* pgy = gy.data<T>();
    for (int64_t n = 0; n < g.batch; ++n) {
      for (int64_t o = 0; o < out_c; ++o) {
        std::memcpy(pg + o * ncols + n * opix, pgy + (n * out_c + o) * opix, sizeof(T) * opix);
      }
    }
    if (db.defined()) {
      T* pdb = db.data<T>();
      for (int64_t o = 0; o < out_c; ++o) {
        T acc = T(0);
        for (int64_t q = 0; q < ncols; ++q) acc += pg[o * ncols + q];
        pdb[o] = acc;
      }
    }
    if (dw.defined()) {
      cpu::Gemm<T>(false, true, out_c, krows, ncols, pg, col.data<T>(), dw.data<T>(), false);
    }
    if (dx.defined()) {
      Tensor dcol = Empty({krows, ncols}, gy.dtype());
      cpu::Gemm<T>(true, false, krows, ncols, out_c, w.data<T>(), pg, dcol.data<T>(), false);
      std::memset(dx.raw_data(), 0, dx.nbytes());
      cpu::Col2Im(dcol.data<T>(), g, dx.data<T>());
    }
  });
}

// Float32 goes through oneDNN where it can (Note [Convolution through oneDNN] in
// autograd/cpu/onednn_conv.h); float64, and sizes oneDNN has no kernel for, through
// im2col + GEMM, which keeps the im2col matrix for the weight gradient.
Tensor Conv2dCpu(const cpu::ConvGeometry& g, const Tensor& x, const Tensor& w, const Tensor& b,
                 const GradsNeeded& need, Conv2dSaved* saved) {
  const int64_t out_c = w.size(0);
  Tensor y = Empty({g.batch, out_c, g.out_h, g.out_w}, x.dtype());
  const bool onednn =
      x.dtype() == DType::kFloat32 &&
      cpu::OneDnnConvForward(g, out_c, x.data<float>(), w.data<float>(),
                             b.defined() ? b.data<float>() : nullptr, y.data<float>());
  Tensor col = onednn ? Tensor() : Im2ColForward(g, x, w, b, y);
  // The weight gradient needs the input (oneDNN) or its im2col matrix.
  if (need.w) {
    saved->col = col;
    if (onednn) saved->x = x.detach();
  }
  return y;
}

Conv2dGrads Conv2dBackwardCpu(const cpu::ConvGeometry& g, const Conv2dSaved& saved,
                              const Tensor& gy, const GradsNeeded& need) {
  const Tensor& w = saved.w;
  const int64_t out_c = w.size(0);
  const DType dtype = gy.dtype();
  Conv2dGrads d;
  if (need.x) d.dx = Empty({g.batch, g.channels, g.in_h, g.in_w}, dtype);
  if (need.w) d.dw = Empty({out_c, g.channels, g.kernel_h, g.kernel_w}, dtype);
  if (need.b) d.db = Empty({out_c}, dtype);
  const bool onednn = !saved.col.defined() && dtype == DType::kFloat32;
  const bool done_x =
      !need.x || (onednn && cpu::OneDnnConvBackwardData(g, out_c, gy.data<float>(), w.data<float>(),
                                                        d.dx.data<float>()));
  const bool done_w =
      !need.w || (onednn && cpu::OneDnnConvBackwardWeights(g, out_c, saved.x.data<float>(),
                                                           gy.data<float>(), d.dw.data<float>(),
                                                           need.b ? d.db.data<float>() : nullptr));
  // oneDNN's weight pass also gives the bias gradient.
  const bool done_b = !need.b || (need.w && done_w);
  // What oneDNN did not do (float64, sizes it has no kernel for) goes through im2col.
  Tensor col = saved.col;
  if (!done_w && !col.defined()) col = Im2Col(g, saved.x);
  Im2ColBackward(g, out_c, w, col, gy, done_x ? Tensor() : d.dx, done_w ? Tensor() : d.dw,
                 done_b ? Tensor() : d.db);
  return d;
}

}  // namespace

DeviceDispatch<Tensor(const cpu::ConvGeometry&, const Tensor&, const Tensor&, const Tensor&,
                      const GradsNeeded&, Conv2dSaved*)>
    conv2d_kernel("Conv2d", Conv2dCpu);
DeviceDispatch<Conv2dGrads(const cpu::ConvGeometry&, const Conv2dSaved&, const Tensor&,
                           const GradsNeeded&)>
    conv2d_backward_kernel("Conv2d backward", Conv2dBackwardCpu);

Tensor Conv2d(const Tensor& x, const Tensor& w, const Tensor& b, Conv2dParams params) {
  const cpu::ConvGeometry g = CheckArgs(x, w, b, params);
  const bool has_b = b.defined();
  const GradsNeeded need{NeedsGrad(x), NeedsGrad(w), has_b && NeedsGrad(b)};
  Conv2dSaved saved;
  Tensor y = conv2d_kernel(x.device(), g, x, w, b, need, &saved);
  if (NeedsGrad(x, w, b)) {
    saved.w = w.detach();
    // dL/dx = conv_transpose(dy, w), dL/dw = dy (*) x, dL/db = sum dy
    auto backward = [g, need, saved = std::move(saved), has_b](const Grads& grads) {
      Conv2dGrads d = conv2d_backward_kernel(grads[0].device(), g, saved, grads[0], need);
      return has_b ? Grads{d.dx, d.dw, d.db} : Grads{d.dx, d.dw};
    };
    if (has_b) {
      Record("Conv2dBackward", {x, w, b}, {y}, std::move(backward));
    } else {
      Record("Conv2dBackward", {x, w}, {y}, std::move(backward));
    }
  }
  return y;
}

}  // namespace acaode
