// CUDA kernels of the NN ops (see nn_kernels.h).
#include <math.h>

#include "autograd/cuda/launch.cuh"
#include "autograd/cuda/launcher_lists.h"
#include "autograd/cuda/nn_kernels.h"

namespace acaode {
namespace cuda {
namespace {

// ---------------------------------------------------------------- im2col

template <class T>
__global__ void Im2ColKernel(ConvGeom g, const T* x, T* col) {
  const int64_t cols = g.col_cols();
  const int64_t total = g.col_rows() * cols;
  ACAODE_GRID_LOOP(e, total) {
    const int64_t off = g.ColToInput(e / cols, e % cols);
    col[e] = off < 0 ? T(0) : x[off];
  }
}

template <class T>
__global__ void Col2ImKernel(ConvGeom g, const T* col, T* dx) {
  const int64_t total = g.batch * g.channels * g.in_h * g.in_w;
  ACAODE_GRID_LOOP(e, total) { dx[e] += Col2ImGather(g, col, e); }
}

// --------------------------------------------------------------- pooling

template <class T>
__global__ void AvgPoolKernel(PoolGeom g, const T* x, T* y) {
  ACAODE_GRID_LOOP(e, g.planes * g.out_h * g.out_w) { y[e] = AvgPoolAt(g, x, e); }
}

template <class T>
__global__ void AvgPoolBackwardKernel(PoolGeom g, const T* dy, T* dx) {
  ACAODE_GRID_LOOP(e, g.planes * g.in_h * g.in_w) { dx[e] = AvgPoolBackwardAt(g, dy, e); }
}

// ----------------------------------------------------------------- norms

// One block per statistics group: mean, then the centred second moment.
template <class T>
__global__ void NormStatsKernel(NormLayout l, const T* x, double* mean, double* var) {
  const int64_t cnt = l.count();
  for (int64_t k = blockIdx.x; k < l.num_stats(); k += gridDim.x) {
    double acc = 0.0;
    for (int64_t j = threadIdx.x; j < cnt; j += blockDim.x) acc += x[l.MemberOffset(k, j)];
    acc = BlockSum(acc);
    __shared__ double m_shared;
    if (threadIdx.x == 0) m_shared = acc / static_cast<double>(cnt);
    __syncthreads();
    const double m = m_shared;
    double sq = 0.0;
    for (int64_t j = threadIdx.x; j < cnt; j += blockDim.x) {
      const double d = static_cast<double>(x[l.MemberOffset(k, j)]) - m;
      sq += d * d;
    }
    sq = BlockSum(sq);
    if (threadIdx.x == 0) {
      mean[k] = m;
      var[k] = sq / static_cast<double>(cnt);
    }
    __syncthreads();
  }
}

__global__ void RstdKernel(int64_t n, const double* var, double eps, double* rstd) {
  ACAODE_GRID_LOOP(i, n) { rstd[i] = 1.0 / sqrt(var[i] + eps); }
}

template <class T>
__global__ void NormApplyKernel(NormLayout l, const T* x, const double* mean, const double* rstd,
                                const T* w, const T* b, T* y) {
  const int64_t total = l.n * l.c * l.s;
  ACAODE_GRID_LOOP(e, total) {
    const int64_t ic = (e / l.s) % l.c;
    const int64_t in = e / (l.s * l.c);
    const int64_t k = l.StatIndex(in, ic);
    const double scale = rstd[k] * (w ? static_cast<double>(w[ic]) : 1.0);
    const double shift = (b ? static_cast<double>(b[ic]) : 0.0) - mean[k] * scale;
    y[e] = x[e] * static_cast<T>(scale) + static_cast<T>(shift);
  }
}

// Per (n, c) plane: s_dy = sum_s dy, s_dyx = sum_s dy * xhat.
template <class T>
__global__ void NormPlaneSumsKernel(NormLayout l, const T* x, const T* dy, const double* mean,
                                    const double* rstd, double* s_dy, double* s_dyx) {
  for (int64_t pl = blockIdx.x; pl < l.n * l.c; pl += gridDim.x) {
    const int64_t ic = pl % l.c, in = pl / l.c;
    const int64_t k = l.StatIndex(in, ic);
    const T* p = x + pl * l.s;
    const T* g = dy + pl * l.s;
    double a = 0.0, b = 0.0;
    for (int64_t is = threadIdx.x; is < l.s; is += blockDim.x) {
      const double xhat = (p[is] - mean[k]) * rstd[k];
      a += g[is];
      b += g[is] * xhat;
    }
    a = BlockSum(a);
    b = BlockSum(b);
    if (threadIdx.x == 0) {
      s_dy[pl] = a;
      s_dyx[pl] = b;
    }
  }
}

// dw[c], db[c] over n; per group k: sums of w_c s_dy and w_c s_dyx.
template <class T>
__global__ void NormReduceKernel(NormLayout l, const double* s_dy, const double* s_dyx, const T* w,
                                 T* dw, T* db, double* sum_dxhat, double* sum_dxhat_xhat) {
  ACAODE_GRID_LOOP(ic, l.c) {
    double a = 0.0, b = 0.0;
    for (int64_t in = 0; in < l.n; ++in) {
      a += s_dy[in * l.c + ic];
      b += s_dyx[in * l.c + ic];
    }
    if (db) db[ic] = static_cast<T>(a);
    if (dw) dw[ic] = static_cast<T>(b);
  }
  ACAODE_GRID_LOOP(k, l.num_stats()) {
    double a = 0.0, b = 0.0;
    if (l.per_channel) {
      const double wc = w ? static_cast<double>(w[k]) : 1.0;
      for (int64_t in = 0; in < l.n; ++in) {
        a += wc * s_dy[in * l.c + k];
        b += wc * s_dyx[in * l.c + k];
      }
    } else {
      const int64_t cpg = l.c / l.groups, in = k / l.groups, c0 = (k % l.groups) * cpg;
      for (int64_t ic = c0; ic < c0 + cpg; ++ic) {
        const double wc = w ? static_cast<double>(w[ic]) : 1.0;
        a += wc * s_dy[in * l.c + ic];
        b += wc * s_dyx[in * l.c + ic];
      }
    }
    sum_dxhat[k] = a;
    sum_dxhat_xhat[k] = b;
  }
}

template <class T>
__global__ void NormDxKernel(NormLayout l, const T* x, const T* dy, const double* mean,
                             const double* rstd, const T* w, bool batch_stats,
                             const double* sum_dxhat, const double* sum_dxhat_xhat, T* dx) {
  const int64_t total = l.n * l.c * l.s;
  const double inv = 1.0 / static_cast<double>(l.count());
  ACAODE_GRID_LOOP(e, total) {
    const int64_t ic = (e / l.s) % l.c;
    const int64_t in = e / (l.s * l.c);
    const int64_t k = l.StatIndex(in, ic);
    const double wc = w ? static_cast<double>(w[ic]) : 1.0;
    if (!batch_stats) {
      dx[e] = dy[e] * static_cast<T>(rstd[k] * wc);
    } else {
      const double xhat = (x[e] - mean[k]) * rstd[k];
      dx[e] = static_cast<T>(rstd[k] *
                             (dy[e] * wc - sum_dxhat[k] * inv - xhat * sum_dxhat_xhat[k] * inv));
    }
  }
}

template <class T>
__global__ void RunningStatsKernel(int64_t c, const double* mean, const double* var,
                                   double momentum, double unbias, T* rm, T* rv) {
  ACAODE_GRID_LOOP(i, c) {
    rm[i] = static_cast<T>((1.0 - momentum) * rm[i] + momentum * mean[i]);
    rv[i] = static_cast<T>((1.0 - momentum) * rv[i] + momentum * var[i] * unbias);
  }
}

// ------------------------------------------------------- softmax, losses

template <class T>
__global__ void LogSoftmaxKernel(OriView v, const T* x, T* y) {
  ACAODE_GRID_LOOP(e, v.outer * v.inner) {
    const int64_t o = e / v.inner, i = e % v.inner;
    // The CPU's max (std::max from -inf, NaN skipped), not fmax.
    T m = -static_cast<T>(INFINITY);
    for (int64_t k = 0; k < v.r; ++k) {
      const T xk = x[v.At(o, k, i)];
      m = m < xk ? xk : m;
    }
    double s = 0.0;
    for (int64_t k = 0; k < v.r; ++k) s += exp(static_cast<double>(x[v.At(o, k, i)] - m));
    const T lse = m + static_cast<T>(log(s));
    for (int64_t k = 0; k < v.r; ++k) y[v.At(o, k, i)] = x[v.At(o, k, i)] - lse;
  }
}

template <class T>
__global__ void LogSoftmaxBackwardKernel(OriView v, const T* y, const T* dy, T* dx) {
  ACAODE_GRID_LOOP(e, v.outer * v.inner) {
    const int64_t o = e / v.inner, i = e % v.inner;
    double s = 0.0;
    for (int64_t k = 0; k < v.r; ++k) s += dy[v.At(o, k, i)];
    for (int64_t k = 0; k < v.r; ++k) {
      const int64_t at = v.At(o, k, i);
      dx[at] = dy[at] - exp(y[at]) * static_cast<T>(s);
    }
  }
}

// Single block: out[0] = scale * sum of per-item terms.
template <class T>
__global__ void NllKernel(int64_t n, int64_t c, const T* logp, const int64_t* labels, double scale,
                          T* out) {
  double acc = 0.0;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) acc -= logp[i * c + labels[i]];
  acc = BlockSum(acc);
  if (threadIdx.x == 0) out[0] = static_cast<T>(acc * scale);
}

template <class T>
__global__ void CrossEntropyBackwardKernel(int64_t n, int64_t c, const T* logp,
                                           const int64_t* labels, const T* g, double scale, T* dx) {
  const T f = static_cast<T>(static_cast<double>(g[0]) * scale);
  ACAODE_GRID_LOOP(e, n * c) {
    const int64_t i = e / c, j = e % c;
    dx[e] = (exp(logp[e]) - (labels[i] == j ? T(1) : T(0))) * f;
  }
}

template <class T>
__global__ void MseKernel(int64_t n, const T* a, const T* b, double scale, T* out) {
  double acc = 0.0;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) {
    const double d = static_cast<double>(a[i]) - static_cast<double>(b[i]);
    acc += d * d;
  }
  acc = BlockSum(acc);
  if (threadIdx.x == 0) out[0] = static_cast<T>(acc * scale);
}

template <class T>
__global__ void MseBackwardKernel(int64_t n, const T* a, const T* b, const T* g, double scale,
                                  T* da, T* db) {
  const T f = static_cast<T>(2.0 * static_cast<double>(g[0]) * scale);
  ACAODE_GRID_LOOP(i, n) {
    const T d = (a[i] - b[i]) * f;
    if (da) da[i] = d;
    if (db) db[i] = -d;
  }
}

unsigned BlocksCapped(int64_t n) {
  return static_cast<unsigned>(n < 65535 ? (n < 1 ? 1 : n) : 65535);
}

}  // namespace

template <class T>
void LaunchIm2Col(const ConvGeom& g, const T* x, T* col, Stream stream) {
  const int64_t total = g.col_rows() * g.col_cols();
  if (total == 0) return;
  Im2ColKernel<T><<<GridFor(total), kThreads, 0, stream>>>(g, x, col);
  CheckLaunch("cuda::LaunchIm2Col");
}

template <class T>
void LaunchCol2Im(const ConvGeom& g, const T* col, T* dx, Stream stream) {
  const int64_t total = g.batch * g.channels * g.in_h * g.in_w;
  if (total == 0) return;
  Col2ImKernel<T><<<GridFor(total), kThreads, 0, stream>>>(g, col, dx);
  CheckLaunch("cuda::LaunchCol2Im");
}

template <class T>
void LaunchAvgPool2d(const PoolGeom& g, const T* x, T* y, Stream stream) {
  const int64_t total = g.planes * g.out_h * g.out_w;
  if (total == 0) return;
  AvgPoolKernel<T><<<GridFor(total), kThreads, 0, stream>>>(g, x, y);
  CheckLaunch("cuda::LaunchAvgPool2d");
}

template <class T>
void LaunchAvgPool2dBackward(const PoolGeom& g, const T* dy, T* dx, Stream stream) {
  const int64_t total = g.planes * g.in_h * g.in_w;
  if (total == 0) return;
  AvgPoolBackwardKernel<T><<<GridFor(total), kThreads, 0, stream>>>(g, dy, dx);
  CheckLaunch("cuda::LaunchAvgPool2dBackward");
}

template <class T>
void LaunchNormStats(const NormLayout& l, const T* x, double* mean, double* var, Stream stream) {
  if (l.num_stats() == 0) return;
  NormStatsKernel<T><<<BlocksCapped(l.num_stats()), kThreads, 0, stream>>>(l, x, mean, var);
  CheckLaunch("cuda::LaunchNormStats");
}

void LaunchRstd(int64_t n, const double* var, double eps, double* rstd, Stream stream) {
  if (n == 0) return;
  RstdKernel<<<GridFor(n), kThreads, 0, stream>>>(n, var, eps, rstd);
  CheckLaunch("cuda::LaunchRstd");
}

template <class T>
void LaunchNormApply(const NormLayout& l, const T* x, const double* mean, const double* rstd,
                     const T* w, const T* b, T* y, Stream stream) {
  const int64_t total = l.n * l.c * l.s;
  if (total == 0) return;
  NormApplyKernel<T><<<GridFor(total), kThreads, 0, stream>>>(l, x, mean, rstd, w, b, y);
  CheckLaunch("cuda::LaunchNormApply");
}

template <class T>
void LaunchNormBackward(const NormLayout& l, const T* x, const T* dy, const double* mean,
                        const double* rstd, const T* w, bool batch_stats, T* dx, T* dw, T* db,
                        double* workspace, Stream stream) {
  if (l.n * l.c == 0) return;
  double* s_dy = workspace;
  double* s_dyx = s_dy + l.n * l.c;
  double* sum_dxhat = s_dyx + l.n * l.c;
  double* sum_dxhat_xhat = sum_dxhat + l.num_stats();
  NormPlaneSumsKernel<T>
      <<<BlocksCapped(l.n * l.c), kThreads, 0, stream>>>(l, x, dy, mean, rstd, s_dy, s_dyx);
  const int64_t m = l.c > l.num_stats() ? l.c : l.num_stats();
  NormReduceKernel<T>
      <<<GridFor(m), kThreads, 0, stream>>>(l, s_dy, s_dyx, w, dw, db, sum_dxhat, sum_dxhat_xhat);
  if (dx != nullptr && l.s > 0) {
    NormDxKernel<T><<<GridFor(l.n * l.c * l.s), kThreads, 0, stream>>>(
        l, x, dy, mean, rstd, w, batch_stats, sum_dxhat, sum_dxhat_xhat, dx);
  }
  CheckLaunch("cuda::LaunchNormBackward");
}

template <class T>
void LaunchRunningStats(int64_t c, const double* mean, const double* var, double momentum,
                        int64_t m, T* running_mean, T* running_var, Stream stream) {
  if (c == 0) return;
  const double unbias = m > 1 ? static_cast<double>(m) / static_cast<double>(m - 1) : 1.0;
  RunningStatsKernel<T><<<GridFor(c), kThreads, 0, stream>>>(c, mean, var, momentum, unbias,
                                                             running_mean, running_var);
  CheckLaunch("cuda::LaunchRunningStats");
}

template <class T>
void LaunchLogSoftmax(const OriView& v, const T* x, T* y, Stream stream) {
  if (v.outer * v.inner == 0 || v.r == 0) return;
  LogSoftmaxKernel<T><<<GridFor(v.outer * v.inner), kThreads, 0, stream>>>(v, x, y);
  CheckLaunch("cuda::LaunchLogSoftmax");
}

template <class T>
void LaunchLogSoftmaxBackward(const OriView& v, const T* y, const T* dy, T* dx, Stream stream) {
  if (v.outer * v.inner == 0 || v.r == 0) return;
  LogSoftmaxBackwardKernel<T><<<GridFor(v.outer * v.inner), kThreads, 0, stream>>>(v, y, dy, dx);
  CheckLaunch("cuda::LaunchLogSoftmaxBackward");
}

template <class T>
void LaunchNllLoss(int64_t n, int64_t c, const T* logp, const int64_t* labels, double scale, T* out,
                   Stream stream) {
  NllKernel<T><<<1, kThreads, 0, stream>>>(n, c, logp, labels, scale, out);
  CheckLaunch("cuda::LaunchNllLoss");
}

template <class T>
void LaunchCrossEntropyBackward(int64_t n, int64_t c, const T* logp, const int64_t* labels,
                                const T* g, double scale, T* dx, Stream stream) {
  if (n * c == 0) return;
  CrossEntropyBackwardKernel<T>
      <<<GridFor(n * c), kThreads, 0, stream>>>(n, c, logp, labels, g, scale, dx);
  CheckLaunch("cuda::LaunchCrossEntropyBackward");
}

template <class T>
void LaunchMse(int64_t n, const T* a, const T* b, double scale, T* out, Stream stream) {
  MseKernel<T><<<1, kThreads, 0, stream>>>(n, a, b, scale, out);
  CheckLaunch("cuda::LaunchMse");
}

template <class T>
void LaunchMseBackward(int64_t n, const T* a, const T* b, const T* g, double scale, T* da, T* db,
                       Stream stream) {
  if (n == 0) return;
  MseBackwardKernel<T><<<GridFor(n), kThreads, 0, stream>>>(n, a, b, g, scale, da, db);
  CheckLaunch("cuda::LaunchMseBackward");
}

ACAODE_CUDA_INSTANTIATE_LAUNCHERS(ACAODE_CUDA_NN_LAUNCHERS)

}  // namespace cuda
}  // namespace acaode
