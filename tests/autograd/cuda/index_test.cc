// The index arithmetic and per-element bodies of the CUDA kernels
// (autograd/cuda/index.h), run on the CPU against independent oracles: the
// broadcasting/permutation definitions written out naively and the CPU
// kernels (im2col, col2im, pooling, norm statistics groups). Needs no GPU.
#include "autograd/cuda/index.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numeric>
#include <set>
#include <vector>

#include "autograd/autograd.h"
#include "autograd/cpu/im2col.h"
#include "autograd/cpu/norm_kernels.h"
#include "autograd/ops/pool.h"
#include "gtest/gtest.h"
#include "tests/autograd/cuda/conv_geometry.h"

namespace acaode::cuda {
namespace {

using Shape = std::vector<int64_t>;

// Row-major strides of a contiguous shape.
Shape Strides(const Shape& s) {
  Shape st(s.size());
  int64_t r = 1;
  for (int d = static_cast<int>(s.size()) - 1; d >= 0; --d) {
    st[d] = r;
    r *= s[d];
  }
  return st;
}

int64_t Numel(const Shape& s) {
  return std::accumulate(s.begin(), s.end(), int64_t{1}, std::multiplies<int64_t>());
}

// Multi-index of the row-major element i of `shape`.
Shape Unravel(int64_t i, const Shape& shape) {
  Shape idx(shape.size());
  for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
    idx[d] = i % shape[d];
    i /= shape[d];
  }
  return idx;
}

// The broadcasting definition: operand element for output multi-index.
int64_t NaiveBroadcastOffset(const Shape& out_idx, const Shape& in) {
  const size_t lead = out_idx.size() - in.size();
  const Shape st = Strides(in);
  int64_t off = 0;
  for (size_t d = 0; d < in.size(); ++d) {
    if (in[d] != 1) off += out_idx[lead + d] * st[d];
  }
  return off;
}

TEST(CudaIndexTest, BroadcastOffsetsMatchTheDefinition) {
  const std::vector<std::pair<Shape, Shape>> cases = {
      {{2, 3, 4}, {3, 1}},   {{5, 1, 4}, {1, 6, 1}},       {{7}, {}},
      {{4, 5}, {4, 5}},      {{1, 3, 1, 2}, {2, 1, 5, 1}}, {{3, 1}, {1}},
      {{2, 1, 3}, {2, 4, 3}}};
  for (const auto& [a, b] : cases) {
    const Shape out = BroadcastShapes(a, b, "test");
    const StridedIndex ix = MakeBroadcastIndex(a, b, out);
    EXPECT_EQ(ix.Numel(), Numel(out));
    for (int64_t i = 0; i < Numel(out); ++i) {
      int64_t oa, ob;
      ix.Offsets(i, &oa, &ob);
      const Shape idx = Unravel(i, out);
      ASSERT_EQ(oa, NaiveBroadcastOffset(idx, a)) << "a " << ShapeToString(a) << " i " << i;
      ASSERT_EQ(ob, NaiveBroadcastOffset(idx, b)) << "b " << ShapeToString(b) << " i " << i;
      ASSERT_EQ(ix.OffsetA(i), oa);
    }
  }
}

TEST(CudaIndexTest, SameShapeMergesToOneContiguousDim) {
  const StridedIndex ix = MakeBroadcastIndex({3, 4, 5}, {3, 4, 5}, {3, 4, 5});
  ASSERT_EQ(ix.ndim, 1);
  EXPECT_EQ(ix.size[0], 60);
  EXPECT_EQ(ix.stride_a[0], 1);
  EXPECT_EQ(ix.stride_b[0], 1);
}

TEST(CudaIndexTest, TooManyDimsIsAValueError) {
  const Shape big(kMaxDims + 1, 1);
  EXPECT_THROW(MakeBroadcastIndex(big, big, big), ValueError);
  EXPECT_THROW(MakeReduceIndex(big, {0}), ValueError);
}

TEST(CudaIndexTest, PermuteOffsetsMatchTheDefinition) {
  const Shape in = {2, 3, 4, 5};
  const std::vector<Shape> perms = {{0, 1, 2, 3}, {3, 2, 1, 0}, {1, 0, 2, 3}, {0, 2, 3, 1}};
  for (const Shape& perm : perms) {
    Shape out(4);
    for (int d = 0; d < 4; ++d) out[d] = in[perm[d]];
    const Shape in_st = Strides(in);
    const StridedIndex ix = MakePermuteIndex(in, perm);
    for (int64_t i = 0; i < Numel(out); ++i) {
      const Shape idx = Unravel(i, out);
      int64_t want = 0;
      for (int d = 0; d < 4; ++d) want += idx[d] * in_st[perm[d]];
      ASSERT_EQ(ix.OffsetA(i), want) << "perm element " << i;
    }
  }
}

TEST(CudaIndexTest, SliceOffsetsMatchTheDefinition) {
  const Shape in = {3, 4, 5};
  const Shape st = Strides(in);
  for (int64_t dim = 0; dim < 3; ++dim) {
    const int64_t start = 1, end = in[dim] - 1;
    Shape out = in;
    out[dim] = end - start;
    const StridedIndex ix = MakeSliceIndex(in, dim, start, end);
    for (int64_t i = 0; i < Numel(out); ++i) {
      Shape idx = Unravel(i, out);
      idx[dim] += start;
      int64_t want = 0;
      for (int d = 0; d < 3; ++d) want += idx[d] * st[d];
      // The launcher is given base + start * inner.
      ASSERT_EQ(ix.OffsetA(i) + start * st[dim], want) << "dim " << dim << " element " << i;
    }
  }
}

TEST(CudaIndexTest, ReduceVisitsEachElementOnceInTheRightOutput) {
  const Shape shape = {2, 3, 4, 5};
  const std::vector<Shape> dim_sets = {{}, {0}, {3}, {1, 2}, {0, 2}, {0, 1, 2, 3}, {1, 3}};
  for (const Shape& dims : dim_sets) {
    const ReduceIndex ix = MakeReduceIndex(shape, dims);
    std::set<int64_t> seen;
    int64_t kept_numel = 1, red_numel = 1;
    Shape kept_shape;
    for (int d = 0; d < 4; ++d) {
      const bool r = std::count(dims.begin(), dims.end(), d) > 0;
      (r ? red_numel : kept_numel) *= shape[d];
      if (!r) kept_shape.push_back(shape[d]);
    }
    ASSERT_EQ(ix.outputs, kept_numel);
    ASSERT_EQ(ix.reduced, red_numel);
    for (int64_t o = 0; o < ix.outputs; ++o) {
      const Shape kidx = Unravel(o, kept_shape);
      for (int64_t k = 0; k < ix.reduced; ++k) {
        const int64_t off = ix.KeptOffset(o) + ix.ReducedOffset(k);
        ASSERT_TRUE(seen.insert(off).second) << "element " << off << " visited twice";
        // The element's kept coordinates are those of output o.
        const Shape eidx = Unravel(off, shape);
        int q = 0;
        for (int d = 0; d < 4; ++d) {
          if (std::count(dims.begin(), dims.end(), d) == 0) {
            ASSERT_EQ(eidx[d], kidx[q++]);
          }
        }
      }
    }
    EXPECT_EQ(static_cast<int64_t>(seen.size()), Numel(shape));
  }
}

TEST(CudaIndexTest, OriViewAddressesTheMiddleDim) {
  const OriView v = MakeOriView({2, 3, 4}, 1);
  EXPECT_EQ(v.outer, 2);
  EXPECT_EQ(v.r, 3);
  EXPECT_EQ(v.inner, 4);
  EXPECT_EQ(v.At(1, 2, 3), (1 * 3 + 2) * 4 + 3);
}

struct ConvCase {
  int64_t n, c, h, w, k, s, p;
};

ConvGeom MakeGeom(const ConvCase& cc) {
  ConvGeom g;
  g.batch = cc.n;
  g.channels = cc.c;
  g.in_h = cc.h;
  g.in_w = cc.w;
  g.kernel_h = g.kernel_w = cc.k;
  g.stride_h = g.stride_w = cc.s;
  g.pad_h = g.pad_w = cc.p;
  g.out_h = (cc.h + 2 * cc.p - cc.k) / cc.s + 1;
  g.out_w = (cc.w + 2 * cc.p - cc.k) / cc.s + 1;
  return g;
}

const std::vector<ConvCase> kConvCases = {{2, 3, 5, 6, 3, 1, 1}, {1, 2, 7, 7, 3, 2, 1},
                                          {2, 1, 4, 4, 1, 1, 0}, {1, 2, 6, 5, 2, 2, 0},
                                          {1, 1, 5, 5, 5, 1, 2}, {2, 2, 8, 6, 4, 3, 1}};

TEST(CudaIndexTest, ColToInputMatchesCpuIm2Col) {
  for (const ConvCase& cc : kConvCases) {
    const ConvGeom g = MakeGeom(cc);
    std::vector<double> x(g.batch * g.channels * g.in_h * g.in_w);
    for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i) + 1.0;
    std::vector<double> col(g.col_rows() * g.col_cols());
    cpu::Im2Col(x.data(), ToCpu(g), col.data());
    for (int64_t r = 0; r < g.col_rows(); ++r) {
      for (int64_t q = 0; q < g.col_cols(); ++q) {
        const int64_t off = g.ColToInput(r, q);
        ASSERT_EQ(col[r * g.col_cols() + q], off < 0 ? 0.0 : x[off])
            << "case k=" << cc.k << " s=" << cc.s << " p=" << cc.p << " at " << r << "," << q;
      }
    }
  }
}

TEST(CudaIndexTest, Col2ImGatherMatchesCpuCol2Im) {
  for (const ConvCase& cc : kConvCases) {
    const ConvGeom g = MakeGeom(cc);
    std::vector<double> col(g.col_rows() * g.col_cols());
    for (size_t i = 0; i < col.size(); ++i) col[i] = std::sin(0.37 * static_cast<double>(i));
    const int64_t nx = g.batch * g.channels * g.in_h * g.in_w;
    std::vector<double> want(nx, 0.0);
    cpu::Col2Im(col.data(), ToCpu(g), want.data());
    for (int64_t e = 0; e < nx; ++e) {
      ASSERT_NEAR(Col2ImGather(g, col.data(), e), want[e], 1e-12)
          << "case k=" << cc.k << " s=" << cc.s << " p=" << cc.p << " element " << e;
    }
  }
}

TEST(CudaIndexTest, AvgPoolBodiesMatchCpuOp) {
  struct PoolCase {
    int64_t k, s, p, h, w;
  };
  for (const PoolCase pc : {PoolCase{2, 2, 0, 6, 6}, PoolCase{3, 2, 1, 7, 5},
                            PoolCase{3, 1, 1, 4, 4}, PoolCase{2, 3, 1, 8, 7}}) {
    const int64_t n = 2, c = 3;
    std::vector<double> xv(n * c * pc.h * pc.w);
    for (size_t i = 0; i < xv.size(); ++i) xv[i] = std::cos(0.3 * static_cast<double>(i));
    Tensor x = FromVector(xv, {n, c, pc.h, pc.w}).set_requires_grad(true);
    Tensor y = AvgPool2d(x, {pc.k, pc.s, pc.p});
    PoolGeom g;
    g.planes = n * c;
    g.in_h = pc.h;
    g.in_w = pc.w;
    g.k = pc.k;
    g.stride = pc.s;
    g.pad = pc.p;
    g.out_h = y.size(2);
    g.out_w = y.size(3);
    for (int64_t e = 0; e < y.numel(); ++e) {
      ASSERT_NEAR(AvgPoolAt(g, xv.data(), e), y.data<double>()[e], 1e-12) << "forward " << e;
    }
    std::vector<double> dy(y.numel());
    for (size_t i = 0; i < dy.size(); ++i) dy[i] = 0.5 + 0.1 * static_cast<double>(i % 7);
    y.backward(FromVector(dy, y.shape()));
    for (int64_t e = 0; e < x.numel(); ++e) {
      ASSERT_NEAR(AvgPoolBackwardAt(g, dy.data(), e), x.grad().data<double>()[e], 1e-12)
          << "backward " << e;
    }
  }
}

TEST(CudaIndexTest, NormMembersAreExactlyTheStatGroup) {
  for (const bool per_channel : {true, false}) {
    NormLayout l;
    l.n = 3;
    l.c = 6;
    l.s = 4;
    l.per_channel = per_channel;
    l.groups = per_channel ? 1 : 3;
    cpu::NormLayout cl;
    cl.n = l.n;
    cl.c = l.c;
    cl.s = l.s;
    cl.per_channel = l.per_channel;
    cl.groups = l.groups;
    ASSERT_EQ(l.num_stats(), cl.num_stats());
    ASSERT_EQ(l.count(), cl.count());
    std::set<int64_t> seen;
    for (int64_t k = 0; k < l.num_stats(); ++k) {
      for (int64_t j = 0; j < l.count(); ++j) {
        const int64_t off = l.MemberOffset(k, j);
        const int64_t ic = (off / l.s) % l.c, in = off / (l.s * l.c);
        ASSERT_EQ(cl.StatIndex(in, ic), k) << "member " << j << " of group " << k;
        ASSERT_TRUE(seen.insert(off).second);
      }
    }
    EXPECT_EQ(static_cast<int64_t>(seen.size()), l.n * l.c * l.s);
  }
}

// Note [Split reductions]: the chunks of every planned split cover [0, reduced) exactly, none
// empty, within the block target; small or many-output reductions stay unsplit.
TEST(CudaIndexTest, ReduceSplitCoversTheRangeInNonEmptyChunks) {
  EXPECT_EQ(PlanReduceSplit(1, 2 * kSplitMinChunk - 1).chunks, 1);
  EXPECT_EQ(PlanReduceSplit(kSplitTargetBlocks, 1 << 24).chunks, 1);
  EXPECT_EQ(ReduceScratchBytes(1, PlanReduceSplit(1, 100)), 0u);
  for (const int64_t outputs : {int64_t{1}, int64_t{3}, int64_t{64}, int64_t{1023}}) {
    for (const int64_t reduced :
         {int64_t{8192}, int64_t{8193}, int64_t{100000}, int64_t{1000003}, int64_t{1} << 26}) {
      const ReduceSplit s = PlanReduceSplit(outputs, reduced);
      SCOPED_TRACE(std::to_string(outputs) + " outputs of " + std::to_string(reduced));
      ASSERT_GE(s.chunks, 1);
      EXPECT_LE(outputs * s.chunks, std::max(outputs, kSplitTargetBlocks));
      int64_t next = 0;
      for (int64_t c = 0; c < s.chunks; ++c) {
        ASSERT_EQ(s.Begin(c), next);
        ASSERT_LT(s.Begin(c), s.End(c, reduced)) << "chunk " << c << " is empty";
        if (s.chunks > 1) {
          EXPECT_GE(s.End(c, reduced) - s.Begin(c), kSplitMinChunk / 2);
        }
        next = s.End(c, reduced);
      }
      EXPECT_EQ(next, reduced);
      EXPECT_EQ(ReduceScratchBytes(outputs, s),
                s.chunks > 1 ? static_cast<size_t>(outputs * s.chunks * 16) : 0u);
    }
  }
}

// The extremum a split reduction computes, emulated on the host with the kernels' rule
// (Beats): each chunk scanned in a scrambled order as the block's threads would, then the
// chunks' candidates combined; it must equal the CPU's sequential ArgMax/ArgMin, ties and
// NaNs included.
template <class T>
ExtremumCandidate<T> SplitExtremum(const std::vector<T>& x, bool is_max, const ReduceSplit& s) {
  const int64_t n = static_cast<int64_t>(x.size());
  std::vector<ExtremumCandidate<T>> parts;
  for (int64_t c = 0; c < s.chunks; ++c) {
    std::vector<int64_t> order;
    for (int64_t k = s.Begin(c); k < s.End(c, n); ++k) order.push_back(k);
    std::reverse(order.begin(), order.end());  // any order gives the same candidate
    ExtremumCandidate<T> e{x[0], -1};
    for (const int64_t k : order) {
      if (Beats(is_max, x[k], k, e)) e = {x[k], k};
    }
    parts.push_back(e);
  }
  ExtremumCandidate<T> best{T(0), -1};
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (Beats(is_max, it->v, it->k, best)) best = *it;
  }
  if (best.k < 0) best = {x[0], 0};  // all NaN
  return best;
}

TEST(CudaIndexTest, SplitExtremumMatchesTheSequentialScan) {
  const int64_t n = 50000;
  const ReduceSplit s = PlanReduceSplit(1, n);
  ASSERT_GE(s.chunks, 4);
  std::vector<double> x(n);
  for (int64_t k = 0; k < n; ++k) x[k] = static_cast<double>((k * 7919) % 1000);  // many ties
  for (int64_t k = s.Begin(1); k < s.End(1, n); ++k) x[k] = std::nan("");         // a chunk of NaN
  x[s.Begin(2) + 3] = std::nan("");
  for (const bool is_max : {true, false}) {
    Tensor t = FromVector(x, {n});
    const Tensor want = is_max ? ArgMax(t, 0) : ArgMax(Neg(t), 0);
    const ExtremumCandidate<double> got = SplitExtremum(x, is_max, s);
    EXPECT_EQ(static_cast<double>(got.k), want.item()) << (is_max ? "max" : "min");
    EXPECT_EQ(got.v, is_max ? Max(t).item() : Min(t).item());
  }
  const std::vector<double> all_nan(n, std::nan(""));
  const ExtremumCandidate<double> nan_case = SplitExtremum(all_nan, true, s);
  EXPECT_EQ(nan_case.k, 0);
  EXPECT_TRUE(std::isnan(nan_case.v));
}

TEST(CudaIndexTest, BlocksForCoversAndCaps) {
  EXPECT_EQ(BlocksFor(0, 256), 1);
  EXPECT_EQ(BlocksFor(256, 256), 1);
  EXPECT_EQ(BlocksFor(257, 256), 2);
  EXPECT_EQ(BlocksFor(int64_t{1} << 40, 256, 1000), 1000);
}

}  // namespace
}  // namespace acaode::cuda
