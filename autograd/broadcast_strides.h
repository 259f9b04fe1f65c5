// The index arithmetic of a broadcasting binary op, shared by the CPU loop
// (cpu::MakeBroadcastPlan, autograd/cpu/elementwise.h) and the CUDA kernels
// (cuda::MakeBroadcastIndex and the other index builders, autograd/cuda/index.h).
//
//   int64_t size[kMaxBroadcastDims], sa[kMaxBroadcastDims], sb[kMaxBroadcastDims];
//   FullBroadcastStrides(a_shape, b_shape, out_shape, size, sa, sb);
//   Plan p = MergeContiguousDims<Plan>(out_shape.size(), size, sa, sb);
//
// Shapes are row-major and contiguous; a stride of 0 means the operand is broadcast
// along that dim. Merging drops dims of size 1 and folds dim d into d + 1 where both
// operands stay contiguous across the pair, so most ops run with ndim <= 2.
#ifndef ACAODE_AUTOGRAD_BROADCAST_STRIDES_H_
#define ACAODE_AUTOGRAD_BROADCAST_STRIDES_H_

#include <cstdint>
#include <vector>

namespace acaode {

// The most dims a broadcast supports, on every device.
constexpr int kMaxBroadcastDims = 16;

// size[d] = out_shape[d] and the full (unmerged) strides of a and b over out_shape, 0
// where an operand is stretched or missing (a and b are aligned at their last dims).
// out_shape must be the broadcast of a and b with at most kMaxBroadcastDims dims (the
// callers check both).
inline void FullBroadcastStrides(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                                 const std::vector<int64_t>& out_shape, int64_t* size, int64_t* sa,
                                 int64_t* sb) {
  const int nd = static_cast<int>(out_shape.size());
  if (nd > kMaxBroadcastDims) return;  // the callers reject it; this bounds the loop for them
  const int la = static_cast<int>(a.size()), lb = static_cast<int>(b.size());
  int64_t ra = 1, rb = 1;
  for (int d = nd - 1; d >= 0; --d) {
    size[d] = out_shape[d];
    const int da = d - (nd - la), db = d - (nd - lb);
    const int64_t na = da >= 0 ? a[da] : 1;
    const int64_t nb = db >= 0 ? b[db] : 1;
    sa[d] = (na == 1 && size[d] != 1) ? 0 : ra;
    sb[d] = (nb == 1 && size[d] != 1) ? 0 : rb;
    ra *= na;
    rb *= nb;
  }
}

// size/sa/sb over `nd` full dims, with size-1 dims dropped and contiguous neighbours
// merged. Plan: any struct with `int ndim` (0 when default-constructed) and int64_t
// arrays size, stride_a, stride_b of at least nd entries.
template <class Plan>
Plan MergeContiguousDims(int nd, const int64_t* size, const int64_t* sa, const int64_t* sb) {
  Plan p;
  for (int d = 0; d < nd; ++d) {
    if (size[d] == 1) continue;
    if (p.ndim > 0) {
      const int q = p.ndim - 1;
      if (p.stride_a[q] == sa[d] * size[d] && p.stride_b[q] == sb[d] * size[d]) {
        p.size[q] *= size[d];
        p.stride_a[q] = sa[d];
        p.stride_b[q] = sb[d];
        continue;
      }
    }
    p.size[p.ndim] = size[d];
    p.stride_a[p.ndim] = sa[d];
    p.stride_b[p.ndim] = sb[d];
    ++p.ndim;
  }
  return p;
}

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_BROADCAST_STRIDES_H_
