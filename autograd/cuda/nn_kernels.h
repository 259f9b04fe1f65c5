// CUDA host launchers for the NN ops: im2col/col2im (conv2d through cuBLAS
// GEMM), average pooling, group/batch norm, log-softmax, cross-entropy and
// MSE. Formulas and layouts are those of the CPU kernels they are tested
// against: autograd/cpu/im2col.h, autograd/ops/pool.cc,
// autograd/cpu/norm_kernels.h, autograd/ops/loss.cc.
//
//   cuda::ConvGeom g = ...;                      // as cpu::ConvGeometry
//   cuda::LaunchIm2Col(g, x, col, stream);       // col [C*KH*KW, N*OH*OW]
//   cuda::Gemm(false, false, c_out, g.col_cols(), g.col_rows(), w, col, y, false, stream);
//
// Memory: every pointer is device memory unless stated otherwise; sizes in
// each comment are in elements. All launches are asynchronous on `stream`.
// Scalars that come from the autograd graph (an incoming gradient `g`) are
// read on the device from a one-element device array, so no launcher waits
// for the host.
#ifndef ACAODE_AUTOGRAD_CUDA_NN_KERNELS_H_
#define ACAODE_AUTOGRAD_CUDA_NN_KERNELS_H_

#include <cstdint>

#include "autograd/cuda/index.h"
#include "autograd/cuda/runtime.h"

namespace acaode {
namespace cuda {

// col [g.col_rows(), g.col_cols()] <- x [batch, channels, in_h, in_w]
// (zeros in the padding).
template <class T>
void LaunchIm2Col(const ConvGeom& g, const T* x, T* col, Stream stream);

// dx [batch, channels, in_h, in_w] += sum of the col entries that read each
// input element (the adjoint of im2col). Gathers per input element: no
// atomics, deterministic.
template <class T>
void LaunchCol2Im(const ConvGeom& g, const T* col, T* dx, Stream stream);

// y [planes, out_h, out_w] = window means of x [planes, in_h, in_w].
template <class T>
void LaunchAvgPool2d(const PoolGeom& g, const T* x, T* y, Stream stream);
// dx [planes, in_h, in_w] = sum over windows covering each element of
// dy / k^2 (overwrites dx).
template <class T>
void LaunchAvgPool2dBackward(const PoolGeom& g, const T* dy, T* dx, Stream stream);

// mean[k], var[k] (biased), k < l.num_stats(), of x [n, c, s]; two passes
// in double.
template <class T>
void LaunchNormStats(const NormLayout& l, const T* x, double* mean, double* var, Stream stream);
// rstd[k] = 1 / sqrt(var[k] + eps), k < n (double arrays).
void LaunchRstd(int64_t n, const double* var, double eps, double* rstd, Stream stream);
// y = (x - mean_k) rstd_k w_c + b_c; w, b may be null (1 and 0).
template <class T>
void LaunchNormApply(const NormLayout& l, const T* x, const double* mean, const double* rstd,
                     const T* w, const T* b, T* y, Stream stream);
// Doubles of workspace LaunchNormBackward needs.
inline int64_t NormBackwardWorkspace(const NormLayout& l) {
  return 2 * l.n * l.c + 2 * l.num_stats();
}
// Backward of NormApply (formulas in autograd/cpu/norm_kernels.h); dx, dw, db
// may each be null; `workspace` holds NormBackwardWorkspace(l) doubles.
template <class T>
void LaunchNormBackward(const NormLayout& l, const T* x, const T* dy, const double* mean,
                        const double* rstd, const T* w, bool batch_stats, T* dx, T* dw, T* db,
                        double* workspace, Stream stream);
// BatchNorm training update of the running statistics ([c] each):
//   rm = (1 - momentum) rm + momentum mean;
//   rv = (1 - momentum) rv + momentum var * m / (m - 1).
template <class T>
void LaunchRunningStats(int64_t c, const double* mean, const double* var, double momentum,
                        int64_t m, T* running_mean, T* running_var, Stream stream);

// y = log_softmax(x) along the middle dim of the [outer, r, inner] view.
template <class T>
void LaunchLogSoftmax(const OriView& v, const T* x, T* y, Stream stream);
// dx = dy - exp(y) * sum_r(dy) (y = the forward output).
template <class T>
void LaunchLogSoftmaxBackward(const OriView& v, const T* y, const T* dy, T* dx, Stream stream);

// out[0] = -scale * sum_i logp[i, labels[i]] for logp [n, c] and int64
// labels [n] in [0, c) (validated by the caller).
template <class T>
void LaunchNllLoss(int64_t n, int64_t c, const T* logp, const int64_t* labels, double scale, T* out,
                   Stream stream);
// dx [n, c] = (exp(logp) - onehot(labels)) * g[0] * scale.
template <class T>
void LaunchCrossEntropyBackward(int64_t n, int64_t c, const T* logp, const int64_t* labels,
                                const T* g, double scale, T* dx, Stream stream);

// out[0] = scale * sum_i (a[i] - b[i])^2.
template <class T>
void LaunchMse(int64_t n, const T* a, const T* b, double scale, T* out, Stream stream);
// da = 2 (a - b) g[0] scale; db = -da; either may be null.
template <class T>
void LaunchMseBackward(int64_t n, const T* a, const T* b, const T* g, double scale, T* da, T* db,
                       Stream stream);

}  // namespace cuda
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CUDA_NN_KERNELS_H_
