// CPU copy kernels: casts, block copies (slices, concat) and permutes.
//
// Raw-pointer loops on contiguous row-major buffers; callers validate shapes.
//
//   // rows [2, 5) of a [10, 7] matrix into a [3, 7] buffer:
//   cpu::CopyBlocks(src + 2 * 7, dst, /*outer=*/1, 0, 0, /*count=*/3 * 7);
#ifndef ACAODE_AUTOGRAD_CPU_COPY_H_
#define ACAODE_AUTOGRAD_CPU_COPY_H_

#include <cstdint>
#include <cstring>
#include <vector>

namespace acaode {
namespace cpu {

// dst[i] = static_cast<D>(src[i]) for i < n.
template <class S, class D>
void CastCopy(const S* src, D* dst, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<D>(src[i]);
}

// For o < outer: copies `count` contiguous elements from
// src + o * src_stride to dst + o * dst_stride.
template <class T>
void CopyBlocks(const T* src, T* dst, int64_t outer, int64_t src_stride, int64_t dst_stride,
                int64_t count) {
  for (int64_t o = 0; o < outer; ++o) {
    std::memcpy(dst + o * dst_stride, src + o * src_stride, static_cast<size_t>(count) * sizeof(T));
  }
}

// Like CopyBlocks but adds: dst block += src block.
template <class T>
void AddBlocks(const T* src, T* dst, int64_t outer, int64_t src_stride, int64_t dst_stride,
               int64_t count) {
  for (int64_t o = 0; o < outer; ++o) {
    const T* s = src + o * src_stride;
    T* d = dst + o * dst_stride;
    for (int64_t i = 0; i < count; ++i) d[i] += s[i];
  }
}

// dst (shape in_shape permuted: out dim i = in dim perm[i]) = permuted src.
template <class T>
void PermuteCopy(const T* src, T* dst, const std::vector<int64_t>& in_shape,
                 const std::vector<int64_t>& perm) {
  const size_t nd = in_shape.size();
  if (nd == 0) {
    dst[0] = src[0];
    return;
  }
  std::vector<int64_t> in_strides(nd, 1);
  for (size_t i = nd - 1; i > 0; --i) {
    in_strides[i - 1] = in_strides[i] * in_shape[i];
  }
  // Walk the output in row-major order; s[i] is the input stride of out dim i.
  std::vector<int64_t> out_shape(nd), s(nd), idx(nd, 0);
  int64_t n = 1;
  for (size_t i = 0; i < nd; ++i) {
    out_shape[i] = in_shape[perm[i]];
    s[i] = in_strides[perm[i]];
    n *= out_shape[i];
  }
  if (n == 0) return;
  const int64_t inner = out_shape[nd - 1];
  const int64_t inner_stride = s[nd - 1];
  int64_t src_off = 0;
  for (int64_t done = 0; done < n; done += inner) {
    const T* sp = src + src_off;
    for (int64_t j = 0; j < inner; ++j) dst[done + j] = sp[j * inner_stride];
    // Advance the multi-index over dims [0, nd - 1).
    for (size_t d = nd - 1; d-- > 0;) {
      if (++idx[d] < out_shape[d]) {
        src_off += s[d];
        break;
      }
      src_off -= s[d] * (out_shape[d] - 1);
      idx[d] = 0;
    }
  }
}

}  // namespace cpu
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CPU_COPY_H_
