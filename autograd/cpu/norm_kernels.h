// Normalization kernels shared by GroupNorm and BatchNorm (autograd/ops/norm.h).
//
// The input is viewed as [N, C, S] (S = product of the spatial sizes). Each
// element (n, c, s) belongs to one statistics group k = StatIndex(n, c):
// BatchNorm: k = c (over n and s); GroupNorm with G groups: k = n*G + c/(C/G)
// (over the channels of the group and s). Sums are accumulated in double.
//
//   xhat = (x - mean_k) * rstd_k,  y = xhat * w_c + b_c
//   backward (statistics of the batch): with dxhat = dy * w_c,
//     dx = rstd_k * (dxhat - mean_k(dxhat) - xhat * mean_k(dxhat * xhat))
//   backward (fixed statistics, BatchNorm eval): dx = rstd_k * dxhat
//   dw_c = sum dy * xhat, db_c = sum dy (over n and s).
#ifndef ACAODE_AUTOGRAD_CPU_NORM_KERNELS_H_
#define ACAODE_AUTOGRAD_CPU_NORM_KERNELS_H_

#include <cmath>
#include <cstdint>
#include <vector>

#include "autograd/cpu/isa/kernels.h"

namespace acaode {
namespace cpu {

struct NormLayout {
  int64_t n = 0, c = 0, s = 0;
  bool per_channel = true;  // BatchNorm (true) or GroupNorm (false)
  int64_t groups = 1;       // GroupNorm groups G (C % G == 0)

  int64_t num_stats() const { return per_channel ? c : n * groups; }
  int64_t count() const { return per_channel ? n * s : (c / groups) * s; }
  int64_t StatIndex(int64_t in, int64_t ic) const {
    return per_channel ? ic : in * groups + ic / (c / groups);
  }
};

// The planes' loops (one channel of one sample) are kernels compiled per instruction set
// (autograd/cpu/isa/kernels.h: plane_*), sums in double over 8 interleaved partial sums in a
// fixed order; this header arranges them over the statistics groups.
template <class T>
const KernelsOf<T>& PlaneKernels() {
  return KernelsOfType<T>(Kernels());
}

// The loops below run over channel ranges [c0, c1) of one sample. BatchNorm's statistics
// span the whole batch, so each pass covers every (sample, channel) before the next starts.
// GroupNorm's group of (sample n, group g) is the contiguous block of its C/G channels, so
// every pass runs for one group after the other while the block (a few KiB) is in the L1
// cache, instead of each pass streaming the whole tensor; the arithmetic and its order are
// the same either way.
template <class Range>
void ForEachStatsBlock(const NormLayout& l, const Range& range) {
  if (l.per_channel) {
    for (int64_t in = 0; in < l.n; ++in) range(in, int64_t{0}, l.c);
    return;
  }
  const int64_t per_group = l.c / l.groups;
  for (int64_t in = 0; in < l.n; ++in) {
    for (int64_t g = 0; g < l.groups; ++g) range(in, g * per_group, (g + 1) * per_group);
  }
}

// Σ x over channels [c0, c1) of sample in, into sum[StatIndex].
template <class T>
void SumRange(const T* x, const NormLayout& l, int64_t in, int64_t c0, int64_t c1,
              std::vector<double>* sum) {
  for (int64_t ic = c0; ic < c1; ++ic) {
    const T* p = x + (in * l.c + ic) * l.s;
    (*sum)[l.StatIndex(in, ic)] += PlaneKernels<T>().plane_sum(p, l.s);
  }
}

// Σ (x − mean)² over channels [c0, c1) of sample in, into sq[StatIndex].
template <class T>
void SquaresRange(const T* x, const NormLayout& l, int64_t in, int64_t c0, int64_t c1,
                  const std::vector<double>& mean, std::vector<double>* sq) {
  for (int64_t ic = c0; ic < c1; ++ic) {
    const T* p = x + (in * l.c + ic) * l.s;
    const double m = mean[l.StatIndex(in, ic)];
    (*sq)[l.StatIndex(in, ic)] += PlaneKernels<T>().plane_squared_deviation(p, m, l.s);
  }
}

// mean[k] and biased variance var[k] of the one statistics group k that channels [c0, c1)
// of sample in make up (GroupNorm's block), each pass over the block back to back.
template <class T>
void BlockStats(const T* x, const NormLayout& l, int64_t in, int64_t c0, int64_t c1,
                std::vector<double>* mean, std::vector<double>* var) {
  const double inv = 1.0 / static_cast<double>(l.count());
  const int64_t k = l.StatIndex(in, c0);
  SumRange(x, l, in, c0, c1, mean);
  (*mean)[k] *= inv;
  SquaresRange(x, l, in, c0, c1, *mean, var);
  (*var)[k] *= inv;
}

// mean[k] and biased variance var[k] of x over each statistics group (two passes for
// accuracy: the mean, then the squared deviations from it).
template <class T>
void NormStats(const T* x, const NormLayout& l, std::vector<double>* mean,
               std::vector<double>* var) {
  const int64_t k_n = l.num_stats();
  mean->assign(k_n, 0.0);
  var->assign(k_n, 0.0);
  if (l.per_channel) {
    const double inv = 1.0 / static_cast<double>(l.count());
    ForEachStatsBlock(
        l, [&](int64_t in, int64_t c0, int64_t c1) { SumRange(x, l, in, c0, c1, mean); });
    for (double& m : *mean) m *= inv;
    ForEachStatsBlock(
        l, [&](int64_t in, int64_t c0, int64_t c1) { SquaresRange(x, l, in, c0, c1, *mean, var); });
    for (double& v : *var) v *= inv;
    return;
  }
  ForEachStatsBlock(
      l, [&](int64_t in, int64_t c0, int64_t c1) { BlockStats(x, l, in, c0, c1, mean, var); });
}
// y = (x − mean_k) · rstd_k · w_c + b_c over channels [c0, c1) of sample in.
template <class T>
void ApplyRange(const T* x, const NormLayout& l, int64_t in, int64_t c0, int64_t c1,
                const std::vector<double>& mean, const std::vector<double>& rstd, const T* w,
                const T* b, T* y) {
  for (int64_t ic = c0; ic < c1; ++ic) {
    const int64_t k = l.StatIndex(in, ic);
    // y = x * scale + shift
    const double scale = rstd[k] * (w ? static_cast<double>(w[ic]) : 1.0);
    const double shift = (b ? static_cast<double>(b[ic]) : 0.0) - mean[k] * scale;
    const T sc = static_cast<T>(scale), sh = static_cast<T>(shift);
    const T* p = x + (in * l.c + ic) * l.s;
    T* q = y + (in * l.c + ic) * l.s;
    PlaneKernels<T>().plane_affine(p, sc, sh, q, l.s);
  }
}

// y = (x - mean_k) * rstd_k * w_c + b_c; w, b may be null (1 and 0).
template <class T>
void NormApply(const T* x, const NormLayout& l, const std::vector<double>& mean,
               const std::vector<double>& rstd, const T* w, const T* b, T* y) {
  ForEachStatsBlock(l, [&](int64_t in, int64_t c0, int64_t c1) {
    ApplyRange(x, l, in, c0, c1, mean, rstd, w, b, y);
  });
}

// GroupNorm's forward in one sweep (l.per_channel false): for each group, its mean and
// variance (as NormStats), rstd = 1 / sqrt(var + eps), and y (as NormApply), while the
// group's block is in the cache. Fills mean and rstd for the backward.
template <class T>
void GroupNormForward(const T* x, const NormLayout& l, double eps, const T* w, const T* b, T* y,
                      std::vector<double>* mean, std::vector<double>* rstd) {
  const int64_t k_n = l.num_stats();
  mean->assign(k_n, 0.0);
  rstd->assign(k_n, 0.0);
  ForEachStatsBlock(l, [&](int64_t in, int64_t c0, int64_t c1) {
    const int64_t k = l.StatIndex(in, c0);
    BlockStats(x, l, in, c0, c1, mean, rstd);  // rstd holds the variance here
    (*rstd)[k] = 1.0 / std::sqrt((*rstd)[k] + eps);
    ApplyRange(x, l, in, c0, c1, *mean, *rstd, w, b, y);
  });
}

// Backward. dx, dw, db may each be null (not needed). batch_stats says
// whether mean/rstd were computed from x (then their dependence on x is
// differentiated) or were fixed (BatchNorm eval).
template <class T>
void NormBackward(const T* x, const T* dy, const NormLayout& l, const std::vector<double>& mean,
                  const std::vector<double>& rstd, const T* w, bool batch_stats, T* dx, T* dw,
                  T* db) {
  const int64_t k_n = l.num_stats();
  std::vector<double> sum_dxhat(k_n, 0.0), sum_dxhat_xhat(k_n, 0.0);
  std::vector<double> acc_dw(l.c, 0.0), acc_db(l.c, 0.0);
  // The sums over channels [c0, c1) of sample in.
  const auto sums = [&](int64_t in, int64_t c0, int64_t c1) {
    for (int64_t ic = c0; ic < c1; ++ic) {
      const int64_t k = l.StatIndex(in, ic);
      const T* p = x + (in * l.c + ic) * l.s;
      const T* g = dy + (in * l.c + ic) * l.s;
      double s_dy, s_dy_xhat;
      PlaneKernels<T>().plane_norm_sums(g, p, mean[k], rstd[k], l.s, &s_dy, &s_dy_xhat);
      const double wc = w ? static_cast<double>(w[ic]) : 1.0;
      sum_dxhat[k] += wc * s_dy;
      sum_dxhat_xhat[k] += wc * s_dy_xhat;
      acc_dw[ic] += s_dy_xhat;
      acc_db[ic] += s_dy;
    }
  };
  // dx over channels [c0, c1) of sample in, once their statistics' sums are complete.
  const double inv = 1.0 / static_cast<double>(l.count());
  const auto input_grad = [&](int64_t in, int64_t c0, int64_t c1) {
    for (int64_t ic = c0; ic < c1; ++ic) {
      const int64_t k = l.StatIndex(in, ic);
      const double wc = w ? static_cast<double>(w[ic]) : 1.0;
      const T* p = x + (in * l.c + ic) * l.s;
      const T* g = dy + (in * l.c + ic) * l.s;
      T* q = dx + (in * l.c + ic) * l.s;
      if (!batch_stats) {
        const T sc = static_cast<T>(rstd[k] * wc);
        for (int64_t is = 0; is < l.s; ++is) q[is] = g[is] * sc;
        continue;
      }
      PlaneKernels<T>().plane_norm_input_grad(g, p, wc, sum_dxhat[k] * inv, sum_dxhat_xhat[k] * inv,
                                              mean[k], rstd[k], q, l.s);
    }
  };
  if (l.per_channel) {
    ForEachStatsBlock(l, sums);
    if (dx) ForEachStatsBlock(l, input_grad);
  } else {
    ForEachStatsBlock(l, [&](int64_t in, int64_t c0, int64_t c1) {
      sums(in, c0, c1);
      if (dx) input_grad(in, c0, c1);
    });
  }
  if (dw) {
    for (int64_t ic = 0; ic < l.c; ++ic) dw[ic] = static_cast<T>(acc_dw[ic]);
  }
  if (db) {
    for (int64_t ic = 0; ic < l.c; ++ic) db[ic] = static_cast<T>(acc_db[ic]);
  }
}

}  // namespace cpu
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CPU_NORM_KERNELS_H_
