// Index arithmetic shared by the CUDA kernels (device) and their host launchers.
//
// Everything here is plain arithmetic on fixed-size arrays, compiled by nvcc for the
// device and by the host compiler for the launchers and the CPU tests
// (tests/autograd/cuda/index_test.cc), so the part of each kernel that can be wrong
// without a GPU is tested without one.
//
//   StridedIndex ix = MakeBroadcastIndex(a.shape(), b.shape(), out_shape);
//   // thread i of the output:
//   int64_t oa, ob;
//   ix.Offsets(i, &oa, &ob);      // out[i] = f(a[oa], b[ob])
//
//   ReduceIndex r = MakeReduceIndex(x.shape(), {0, 2});
//   // output element o, reduced element k:  x[r.KeptOffset(o) + r.ReducedOffset(k)]
//
// Conventions: shapes are row-major and contiguous; a stride of 0 means the operand
// is broadcast along that dim. Dims of size 1 are dropped and adjacent dims that stay
// contiguous in every operand are merged, so most ops run with ndim <= 2.
#ifndef ACAODE_AUTOGRAD_CUDA_INDEX_H_
#define ACAODE_AUTOGRAD_CUDA_INDEX_H_

#include <cstdint>

#if defined(__CUDACC__)
#define ACAODE_HD __host__ __device__ __forceinline__
#else
#define ACAODE_HD inline
#endif

#include <string>
#include <vector>

#include "autograd/broadcast_strides.h"
#include "autograd/error.h"

namespace acaode {
namespace cuda {

// Tensors with more dims than this are rejected by the CUDA broadcasting,
// permuting and reducing launchers (the CPU path allows the same number).
constexpr int kMaxDims = kMaxBroadcastDims;

// Iteration over a row-major output of `ndim` (merged) dims with up to two
// strided operands: out element i sits at multi-index idx (row-major in size),
// operand a at sum_d idx[d] * stride_a[d], likewise b.
struct StridedIndex {
  int ndim = 0;
  int64_t size[kMaxDims] = {};
  int64_t stride_a[kMaxDims] = {};
  int64_t stride_b[kMaxDims] = {};

  // Offsets of operand a and b for the row-major output element i.
  ACAODE_HD void Offsets(int64_t i, int64_t* oa, int64_t* ob) const {
    int64_t a = 0, b = 0;
    for (int d = ndim - 1; d >= 0; --d) {
      const int64_t q = i % size[d];
      i /= size[d];
      a += q * stride_a[d];
      b += q * stride_b[d];
    }
    *oa = a;
    *ob = b;
  }
  ACAODE_HD int64_t OffsetA(int64_t i) const {
    int64_t a = 0;
    for (int d = ndim - 1; d >= 0; --d) {
      a += (i % size[d]) * stride_a[d];
      i /= size[d];
    }
    return a;
  }
  ACAODE_HD int64_t Numel() const {
    int64_t n = 1;
    for (int d = 0; d < ndim; ++d) n *= size[d];
    return n;
  }
};

// Drops size-1 dims and merges dim d into d+1 where both operands stay
// contiguous across the pair. size/sa/sb hold `nd` full dims.
inline StridedIndex MergeDims(int nd, const int64_t* size, const int64_t* sa, const int64_t* sb) {
  return MergeContiguousDims<StridedIndex>(nd, size, sa, sb);
}

inline void CheckDims(const char* op, size_t nd) {
  if (nd > static_cast<size_t>(kMaxDims)) {
    throw ValueError(std::string(op) + ": at most " + std::to_string(kMaxDims) +
                     " dims supported on cuda, got " + std::to_string(nd));
  }
}

// Broadcast of a and b to out_shape (which must be their broadcast shape;
// the caller validates it, see BroadcastShapes in autograd/ops/elementwise.h).
inline StridedIndex MakeBroadcastIndex(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                                       const std::vector<int64_t>& out_shape) {
  CheckDims("broadcast", out_shape.size());
  const int nd = static_cast<int>(out_shape.size());
  int64_t size[kMaxDims], sa[kMaxDims], sb[kMaxDims];
  FullBroadcastStrides(a, b, out_shape, size, sa, sb);
  return MergeDims(nd, size, sa, sb);
}

// out = permute(in, perm): out dim d is in dim perm[d] (perm is a permutation
// of 0..n-1, validated by the caller). Operand a is the input; b is unused.
inline StridedIndex MakePermuteIndex(const std::vector<int64_t>& in_shape,
                                     const std::vector<int64_t>& perm) {
  CheckDims("permute", in_shape.size());
  const int nd = static_cast<int>(in_shape.size());
  int64_t in_stride[kMaxDims];
  int64_t r = 1;
  for (int d = nd - 1; d >= 0; --d) {
    in_stride[d] = r;
    r *= in_shape[d];
  }
  int64_t size[kMaxDims], sa[kMaxDims], sb[kMaxDims];
  int64_t ro = 1;
  for (int d = nd - 1; d >= 0; --d) {
    size[d] = in_shape[perm[d]];
    sa[d] = in_stride[perm[d]];
    sb[d] = ro;  // the output's own strides, so merging respects both layouts
    ro *= size[d];
  }
  StridedIndex p = MergeDims(nd, size, sa, sb);
  for (int d = 0; d < p.ndim; ++d) p.stride_b[d] = 0;
  return p;
}

// A reduction over a set of dims: output element o (row-major over the kept
// dims) reduces the `reduced` elements x[KeptOffset(o) + ReducedOffset(k)],
// k = 0..reduced-1 (row-major over the reduced dims).
struct ReduceIndex {
  StridedIndex kept;    // sizes of the kept dims, stride_a = input strides
  StridedIndex red;     // sizes of the reduced dims, stride_a = input strides
  int64_t outputs = 1;  // product of kept sizes
  int64_t reduced = 1;  // product of reduced sizes

  ACAODE_HD int64_t KeptOffset(int64_t o) const { return kept.OffsetA(o); }
  ACAODE_HD int64_t ReducedOffset(int64_t k) const { return red.OffsetA(k); }
};

// dims: distinct dims in [0, shape.size()) (validated and normalised by the
// caller). An empty `dims` reduces nothing (outputs = numel, reduced = 1).
inline ReduceIndex MakeReduceIndex(const std::vector<int64_t>& shape,
                                   const std::vector<int64_t>& dims) {
  CheckDims("reduce", shape.size());
  const int nd = static_cast<int>(shape.size());
  bool is_red[kMaxDims] = {};
  for (int64_t d : dims) is_red[d] = true;
  int64_t stride[kMaxDims];
  int64_t r = 1;
  for (int d = nd - 1; d >= 0; --d) {
    stride[d] = r;
    r *= shape[d];
  }
  int64_t ks[kMaxDims], kst[kMaxDims], rs[kMaxDims], rst[kMaxDims], zero[kMaxDims] = {};
  int nk = 0, nr = 0;
  ReduceIndex ix;
  for (int d = 0; d < nd; ++d) {
    if (is_red[d]) {
      rs[nr] = shape[d];
      rst[nr++] = stride[d];
      ix.reduced *= shape[d];
    } else {
      ks[nk] = shape[d];
      kst[nk++] = stride[d];
      ix.outputs *= shape[d];
    }
  }
  ix.kept = MergeDims(nk, ks, kst, zero);
  ix.red = MergeDims(nr, rs, rst, zero);
  return ix;
}

// Note [Split reductions]: when a reduction has too few outputs to fill the GPU (a
// whole-tensor Sum, the error norm, AllFinite), one block per output would leave all but a
// few SMs idle. Each output's reduced range [0, reduced) is then cut into `chunks`
// contiguous chunks of chunk_len elements (the last may be shorter, none is empty); pass 1
// reduces each chunk in its own block into a partial, pass 2 combines the chunks' partials
// of each output. chunks == 1 is the one-pass reduction.
constexpr int64_t kSplitTargetBlocks = 1024;  // enough blocks for a GPU of ~130 SMs
constexpr int64_t kSplitMinChunk = 4096;      // elements per block, at least, when split

struct ReduceSplit {
  int64_t chunks = 1;
  int64_t chunk_len = 0;

  ACAODE_HD int64_t Begin(int64_t c) const { return c * chunk_len; }
  ACAODE_HD int64_t End(int64_t c, int64_t reduced) const {
    const int64_t e = (c + 1) * chunk_len;
    return e < reduced ? e : reduced;
  }
};

inline ReduceSplit PlanReduceSplit(int64_t outputs, int64_t reduced) {
  ReduceSplit s;
  s.chunk_len = reduced;
  if (outputs <= 0 || outputs >= kSplitTargetBlocks || reduced < 2 * kSplitMinChunk) return s;
  const int64_t by_size = reduced / kSplitMinChunk;
  const int64_t by_grid = kSplitTargetBlocks / outputs;
  const int64_t chunks = by_size < by_grid ? by_size : by_grid;
  if (chunks < 2) return s;
  s.chunk_len = (reduced + chunks - 1) / chunks;
  s.chunks = (reduced + s.chunk_len - 1) / s.chunk_len;  // drops a would-be empty last chunk
  return s;
}

// Bytes of device scratch a reduction with this split needs for its partials: one 8-byte
// value (a double sum, or the extremum widened to double) and one int64 position per chunk.
inline size_t ReduceScratchBytes(int64_t outputs, const ReduceSplit& s) {
  return s.chunks < 2 ? 0 : static_cast<size_t>(outputs * s.chunks) * 16;
}

// A running extremum of a reduced range: value v at position k (-1: none yet). The rule
// every CUDA reduction combines with, in any order of candidates: NaN never wins, a larger
// (kMax) or smaller (kMin) value wins, ties keep the lower position. So a chunked
// reduction (Note [Split reductions]) gives the same value and position as a sequential one.
template <class T>
struct ExtremumCandidate {
  T v;
  int64_t k;
};

template <class T>
ACAODE_HD bool Beats(bool is_max, T v, int64_t k, const ExtremumCandidate<T>& e) {
  if (v != v) return false;  // NaN
  if (k < 0) return false;   // an empty candidate
  if (e.k < 0 || e.v != e.v) return true;
  if (v == e.v) return k < e.k;
  return is_max ? v > e.v : v < e.v;
}

// A dim reduced on its own as the [outer, r, inner] view of a contiguous
// tensor (log-softmax, arg-extrema): element (o, k, i) is at
// (o * r + k) * inner + i.
struct OriView {
  int64_t outer = 1, r = 1, inner = 1;
  ACAODE_HD int64_t At(int64_t o, int64_t k, int64_t i) const { return (o * r + k) * inner + i; }
};

inline OriView MakeOriView(const std::vector<int64_t>& shape, int64_t dim) {
  OriView v;
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
    if (d < dim) v.outer *= shape[d];
    if (d == dim) v.r = shape[d];
    if (d > dim) v.inner *= shape[d];
  }
  return v;
}

// Elements [start, end) along `dim` of a contiguous tensor: operand a
// indexes the input relative to element start * inner (the caller adds that
// offset to the base pointer); the output is contiguous.
inline StridedIndex MakeSliceIndex(const std::vector<int64_t>& shape, int64_t dim, int64_t start,
                                   int64_t end) {
  CheckDims("slice", shape.size());
  (void)start;
  const int nd = static_cast<int>(shape.size());
  int64_t size[kMaxDims], sa[kMaxDims], sb[kMaxDims];
  int64_t r = 1, ro = 1;
  for (int d = nd - 1; d >= 0; --d) {
    size[d] = d == dim ? end - start : shape[d];
    sa[d] = r;
    sb[d] = ro;
    r *= shape[d];
    ro *= size[d];
  }
  StridedIndex p = MergeDims(nd, size, sa, sb);
  for (int d = 0; d < p.ndim; ++d) p.stride_b[d] = 0;
  return p;
}

// Statistics groups of GroupNorm/BatchNorm on the [n, c, s] view of the input
// (as autograd/cpu/norm_kernels.h): BatchNorm (per_channel) has group k = c
// over (n, s); GroupNorm with G groups has k = n*G + c/(C/G) over the C/G
// channels of the group and s. Member j (0 <= j < count()) of group k sits at
// MemberOffset(k, j).
struct NormLayout {
  int64_t n = 0, c = 0, s = 0;
  bool per_channel = true;
  int64_t groups = 1;

  ACAODE_HD int64_t num_stats() const { return per_channel ? c : n * groups; }
  ACAODE_HD int64_t count() const { return per_channel ? n * s : (c / groups) * s; }
  ACAODE_HD int64_t StatIndex(int64_t in, int64_t ic) const {
    return per_channel ? ic : in * groups + ic / (c / groups);
  }
  ACAODE_HD int64_t MemberOffset(int64_t k, int64_t j) const {
    if (per_channel) return ((j / s) * c + k) * s + j % s;
    const int64_t cpg = c / groups;
    return ((k / groups) * c + (k % groups) * cpg) * s + j;
  }
};

// 2-D average pooling geometry (square kernel, padding counted in the
// divisor, as autograd/ops/pool.h): planes = N * C.
struct PoolGeom {
  int64_t planes = 0, in_h = 0, in_w = 0, k = 1, stride = 1, pad = 0, out_h = 0, out_w = 0;
};

// Convolution geometry for im2col/col2im, the same layout as the CPU kernels
// (autograd/cpu/im2col.h): input [batch, channels, in_h, in_w]; the column
// matrix is [channels * kernel_h * kernel_w, batch * out_h * out_w].
struct ConvGeom {
  int64_t batch = 0, channels = 0, in_h = 0, in_w = 0;
  int64_t kernel_h = 0, kernel_w = 0, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;
  int64_t out_h = 0, out_w = 0;

  ACAODE_HD int64_t col_rows() const { return channels * kernel_h * kernel_w; }
  ACAODE_HD int64_t col_cols() const { return batch * out_h * out_w; }

  // Column-matrix element (row, col) -> input offset, or -1 in the padding.
  ACAODE_HD int64_t ColToInput(int64_t row, int64_t col) const {
    const int64_t kw = row % kernel_w;
    const int64_t kh = (row / kernel_w) % kernel_h;
    const int64_t c = row / (kernel_w * kernel_h);
    const int64_t ow = col % out_w;
    const int64_t oh = (col / out_w) % out_h;
    const int64_t n = col / (out_w * out_h);
    const int64_t ih = oh * stride_h - pad_h + kh;
    const int64_t iw = ow * stride_w - pad_w + kw;
    if (ih < 0 || ih >= in_h || iw < 0 || iw >= in_w) return -1;
    return ((n * channels + c) * in_h + ih) * in_w + iw;
  }

  // Range [lo, hi) of output positions o with o * stride - pad + k == i for
  // some kernel offset 0 <= k < kernel (the window positions covering input
  // position i along one axis). Used by col2im to gather without atomics.
  ACAODE_HD static void Covering(int64_t i, int64_t kernel, int64_t stride, int64_t pad,
                                 int64_t out, int64_t* lo, int64_t* hi) {
    // o * stride <= i + pad  and  o * stride > i + pad - kernel
    const int64_t top = i + pad;
    int64_t l = top - kernel + 1;
    l = l <= 0 ? 0 : (l + stride - 1) / stride;
    int64_t h = top < 0 ? 0 : top / stride + 1;
    if (h > out) h = out;
    *lo = l;
    *hi = h < l ? l : h;
  }
};

// ---------------------------------------------------------------------------
// Per-element bodies of the gathering kernels: each computes one output
// element, so the device kernels are a grid loop around them and the CPU
// tests run the very same code against the CPU kernels.

// col2im: the input-gradient element e of [batch, channels, in_h, in_w] is
// the sum of the column entries that read it.
template <class T>
ACAODE_HD T Col2ImGather(const ConvGeom& g, const T* col, int64_t e) {
  const int64_t cols = g.col_cols();
  const int64_t iw = e % g.in_w;
  const int64_t ih = (e / g.in_w) % g.in_h;
  const int64_t c = (e / (g.in_w * g.in_h)) % g.channels;
  const int64_t n = e / (g.in_w * g.in_h * g.channels);
  int64_t oh_lo, oh_hi, ow_lo, ow_hi;
  ConvGeom::Covering(ih, g.kernel_h, g.stride_h, g.pad_h, g.out_h, &oh_lo, &oh_hi);
  ConvGeom::Covering(iw, g.kernel_w, g.stride_w, g.pad_w, g.out_w, &ow_lo, &ow_hi);
  T acc = T(0);
  for (int64_t oh = oh_lo; oh < oh_hi; ++oh) {
    const int64_t kh = ih + g.pad_h - oh * g.stride_h;
    for (int64_t ow = ow_lo; ow < ow_hi; ++ow) {
      const int64_t kw = iw + g.pad_w - ow * g.stride_w;
      const int64_t row = (c * g.kernel_h + kh) * g.kernel_w + kw;
      acc += col[row * cols + (n * g.out_h + oh) * g.out_w + ow];
    }
  }
  return acc;
}

// Average pooling: output element e of [planes, out_h, out_w].
template <class T>
ACAODE_HD T AvgPoolAt(const PoolGeom& g, const T* x, int64_t e) {
  const int64_t j = e % g.out_w;
  const int64_t i = (e / g.out_w) % g.out_h;
  const int64_t pl = e / (g.out_w * g.out_h);
  const int64_t h0 = i * g.stride - g.pad, w0 = j * g.stride - g.pad;
  const int64_t ha = h0 < 0 ? 0 : h0, hb = h0 + g.k > g.in_h ? g.in_h : h0 + g.k;
  const int64_t wa = w0 < 0 ? 0 : w0, wb = w0 + g.k > g.in_w ? g.in_w : w0 + g.k;
  const T* src = x + pl * g.in_h * g.in_w;
  T acc = T(0);
  for (int64_t h = ha; h < hb; ++h) {
    for (int64_t w = wa; w < wb; ++w) acc += src[h * g.in_w + w];
  }
  return acc * (T(1) / static_cast<T>(g.k * g.k));
}

// Average pooling backward: input-gradient element e of [planes, in_h, in_w].
template <class T>
ACAODE_HD T AvgPoolBackwardAt(const PoolGeom& g, const T* dy, int64_t e) {
  const int64_t w = e % g.in_w;
  const int64_t h = (e / g.in_w) % g.in_h;
  const int64_t pl = e / (g.in_w * g.in_h);
  int64_t i_lo, i_hi, j_lo, j_hi;
  ConvGeom::Covering(h, g.k, g.stride, g.pad, g.out_h, &i_lo, &i_hi);
  ConvGeom::Covering(w, g.k, g.stride, g.pad, g.out_w, &j_lo, &j_hi);
  const T* src = dy + pl * g.out_h * g.out_w;
  T acc = T(0);
  for (int64_t i = i_lo; i < i_hi; ++i) {
    for (int64_t j = j_lo; j < j_hi; ++j) acc += src[i * g.out_w + j];
  }
  return acc * (T(1) / static_cast<T>(g.k * g.k));
}

// Number of blocks of `threads` covering n items, capped for grid-stride loops.
ACAODE_HD int64_t BlocksFor(int64_t n, int threads, int64_t cap = 65535 * 32) {
  int64_t b = (n + threads - 1) / threads;
  if (b < 1) b = 1;
  return b > cap ? cap : b;
}

}  // namespace cuda
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CUDA_INDEX_H_
