// im2col / col2im for 2-D convolution (NCHW, square-or-not kernels, stride,
// zero padding), the CPU kernels behind autograd/ops/conv.h.
//
//   // col: [C*KH*KW, N*OH*OW], row r = (c, kh, kw), column j = (n, oh, ow)
//   Im2Col(x, geom, col);             // gather input patches
//   Col2Im(col, geom, dx);            // scatter-add patches back (adjoint)
//
// With this layout the whole batch is one GEMM: Y[O, N*P] = W[O, CKK] * col,
// which keeps the matrices large enough for Eigen's blocked GEMM even on
// small images. Col2Im is the exact adjoint of Im2Col:
// <Im2Col(x), c> = <x, Col2Im(c)>.
#ifndef ACAODE_AUTOGRAD_CPU_IM2COL_H_
#define ACAODE_AUTOGRAD_CPU_IM2COL_H_

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace acaode {
namespace cpu {

// Sizes of one convolution. out_h = (in_h + 2*pad_h - kernel_h)/stride_h + 1.
struct ConvGeometry {
  int64_t batch = 0;
  int64_t channels = 0;
  int64_t in_h = 0, in_w = 0;
  int64_t kernel_h = 0, kernel_w = 0;
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_h = 0, pad_w = 0;
  int64_t out_h = 0, out_w = 0;

  int64_t col_rows() const { return channels * kernel_h * kernel_w; }
  int64_t col_cols() const { return batch * out_h * out_w; }
};

// col[(c, kh, kw), (n, oh, ow)] = x[n, c, oh*s - p + kh, ow*s - p + kw]
// (0 outside the image). x is [N, C, H, W] contiguous; col is
// [col_rows, col_cols] row-major and fully overwritten.
template <class T>
void Im2Col(const T* x, const ConvGeometry& g, T* col) {
  const int64_t plane = g.in_h * g.in_w;
  const int64_t ncols = g.col_cols();
  const int64_t opix = g.out_h * g.out_w;
  for (int64_t c = 0; c < g.channels; ++c) {
    for (int64_t kh = 0; kh < g.kernel_h; ++kh) {
      // Output rows reading inside the image: 0 <= oh*s - p + kh < in_h.
      int64_t oh_lo = 0;
      while (oh_lo < g.out_h && oh_lo * g.stride_h - g.pad_h + kh < 0) ++oh_lo;
      int64_t oh_hi = oh_lo;
      while (oh_hi < g.out_h && oh_hi * g.stride_h - g.pad_h + kh < g.in_h) ++oh_hi;
      for (int64_t kw = 0; kw < g.kernel_w; ++kw) {
        T* row = col + ((c * g.kernel_h + kh) * g.kernel_w + kw) * ncols;
        // Output columns reading inside the image.
        int64_t ow_lo = 0;
        while (ow_lo < g.out_w && ow_lo * g.stride_w - g.pad_w + kw < 0) ++ow_lo;
        int64_t ow_hi = ow_lo;
        while (ow_hi < g.out_w && ow_hi * g.stride_w - g.pad_w + kw < g.in_w) ++ow_hi;
        // Fast path (stride 1, "same" width): source rows are as long as
        // output rows, so the valid rows form one contiguous shifted copy;
        // afterwards the few columns that fall into the padding are zeroed.
        const bool block_copy = g.stride_h == 1 && g.stride_w == 1 && g.in_w == g.out_w;
        for (int64_t n = 0; n < g.batch; ++n) {
          const T* xp = x + (n * g.channels + c) * plane;
          T* rp = row + n * opix;
          for (int64_t q = 0; q < oh_lo * g.out_w; ++q) rp[q] = T(0);
          if (block_copy) {
            // rp[q] = xp[q + shift] for q in [oh_lo*W, oh_hi*W), 0 where the
            // source index leaves the plane (those are padding columns).
            const int64_t shift = (kh - g.pad_h) * g.in_w + kw - g.pad_w;
            const int64_t q0 = oh_lo * g.out_w, q1 = oh_hi * g.out_w;
            const int64_t a = std::max(q0, -shift), b = std::min(q1, plane - shift);
            for (int64_t q = q0; q < a; ++q) rp[q] = T(0);
            if (b > a) std::memcpy(rp + a, xp + a + shift, sizeof(T) * (b - a));
            for (int64_t q = std::max(a, b); q < q1; ++q) rp[q] = T(0);
            if (ow_lo > 0 || ow_hi < g.out_w) {
              for (int64_t oh = oh_lo; oh < oh_hi; ++oh) {
                T* dst = rp + oh * g.out_w;
                for (int64_t ow = 0; ow < ow_lo; ++ow) dst[ow] = T(0);
                for (int64_t ow = ow_hi; ow < g.out_w; ++ow) dst[ow] = T(0);
              }
            }
            for (int64_t q = q1; q < opix; ++q) rp[q] = T(0);
            continue;
          }
          for (int64_t oh = oh_lo; oh < oh_hi; ++oh) {
            T* dst = rp + oh * g.out_w;
            // Element ow reads xp[base + ow * stride_w] (in range for
            // ow_lo <= ow < ow_hi).
            const int64_t base = (oh * g.stride_h - g.pad_h + kh) * g.in_w - g.pad_w + kw;
            for (int64_t ow = 0; ow < ow_lo; ++ow) dst[ow] = T(0);
            if (g.stride_w == 1) {
              for (int64_t ow = ow_lo; ow < ow_hi; ++ow) dst[ow] = xp[base + ow];
            } else {
              for (int64_t ow = ow_lo; ow < ow_hi; ++ow) dst[ow] = xp[base + ow * g.stride_w];
            }
            for (int64_t ow = ow_hi; ow < g.out_w; ++ow) dst[ow] = T(0);
          }
          for (int64_t q = oh_hi * g.out_w; q < opix; ++q) rp[q] = T(0);
        }
      }
    }
  }
}

// The adjoint of Im2Col: dx[n, c, ih, iw] += col[(c, kh, kw), (n, oh, ow)]
// for every (kh, kw, oh, ow) that reads (ih, iw). dx must be zeroed (or hold
// a gradient to add to) by the caller.
template <class T>
void Col2Im(const T* col, const ConvGeometry& g, T* dx) {
  const int64_t plane = g.in_h * g.in_w;
  const int64_t ncols = g.col_cols();
  const int64_t opix = g.out_h * g.out_w;
  for (int64_t c = 0; c < g.channels; ++c) {
    for (int64_t kh = 0; kh < g.kernel_h; ++kh) {
      for (int64_t kw = 0; kw < g.kernel_w; ++kw) {
        const T* row = col + ((c * g.kernel_h + kh) * g.kernel_w + kw) * ncols;
        for (int64_t n = 0; n < g.batch; ++n) {
          T* xp = dx + (n * g.channels + c) * plane;
          const T* rp = row + n * opix;
          for (int64_t oh = 0; oh < g.out_h; ++oh) {
            const int64_t ih = oh * g.stride_h - g.pad_h + kh;
            if (ih < 0 || ih >= g.in_h) continue;
            const T* src = rp + oh * g.out_w;
            T* dst = xp + ih * g.in_w;
            if (g.stride_w == 1) {
              const int64_t shift = kw - g.pad_w;
              const int64_t lo = shift < 0 ? -shift : 0;
              int64_t hi = g.in_w - shift;
              if (hi > g.out_w) hi = g.out_w;
              for (int64_t ow = lo; ow < hi; ++ow) dst[ow + shift] += src[ow];
            } else {
              for (int64_t ow = 0; ow < g.out_w; ++ow) {
                const int64_t iw = ow * g.stride_w - g.pad_w + kw;
                if (iw >= 0 && iw < g.in_w) dst[iw] += src[ow];
              }
            }
          }
        }
      }
    }
  }
}

}  // namespace cpu
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CPU_IM2COL_H_
