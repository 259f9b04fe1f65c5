// CPU reduction kernels on the [outer, R, inner] view of a tensor.
//
// A reduction over one block of adjacent dims sees the input as
// [outer, R, inner] (outer = product of the dims before the block, R = of the
// block, inner = of the dims after) and writes [outer, inner].
//
//   cpu::SumORI(x, out, outer, R, inner);
//   cpu::ArgExtremumORI(x, val, idx, outer, R, inner, /*is_max=*/true);
#ifndef ACAODE_AUTOGRAD_CPU_REDUCE_H_
#define ACAODE_AUTOGRAD_CPU_REDUCE_H_

#include <Eigen/Core>
#include <cstdint>

namespace acaode {
namespace cpu {

// Accumulator type: double for float inputs (sums of many float32 values
// keep float64 accuracy), T otherwise.
template <class T>
using AccOf = double;

// out[o, i] = sum_r x[o, r, i].
template <class T>
void SumORI(const T* x, T* out, int64_t outer, int64_t r_size, int64_t inner) {
  if (inner == 1) {
    for (int64_t o = 0; o < outer; ++o) {
      // Eigen's sum is vectorised (it reassociates explicitly).
      const Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>> row(x + o * r_size, r_size);
      out[o] = static_cast<T>(row.template cast<AccOf<T>>().sum());
    }
    return;
  }
  for (int64_t o = 0; o < outer; ++o) {
    T* po = out + o * inner;
    for (int64_t i = 0; i < inner; ++i) po[i] = T(0);
    for (int64_t r = 0; r < r_size; ++r) {
      const T* p = x + (o * r_size + r) * inner;
      for (int64_t i = 0; i < inner; ++i) po[i] += p[i];
    }
  }
}

// val[o, i] = max_r (or min_r) x[o, r, i]; idx[o, i] = the first r
// attaining it (NaN compares false, so the first non-NaN wins unless all
// are NaN). r_size >= 1.
template <class T>
void ArgExtremumORI(const T* x, T* val, int64_t* idx, int64_t outer, int64_t r_size, int64_t inner,
                    bool is_max) {
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const T* p = x + o * r_size * inner + i;
      T best = p[0];
      int64_t best_r = 0;
      for (int64_t r = 1; r < r_size; ++r) {
        const T v = p[r * inner];
        if (is_max ? (v > best) : (v < best)) {
          best = v;
          best_r = r;
        }
      }
      val[o * inner + i] = best;
      idx[o * inner + i] = best_r;
    }
  }
}

}  // namespace cpu
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CPU_REDUCE_H_
