#include "autograd/cuda/tensor_ops.h"

#include <algorithm>
#include <memory>
#include <string>

#include "autograd/cuda/gemm.h"
#include "autograd/cuda/runtime.h"
#include "autograd/error.h"

namespace acaode {
namespace cuda {
namespace {

Tensor EmptyLike(const Shape& shape, DType dtype) { return Empty(shape, dtype, Device::kCuda); }

// Calls f(float{}) or f(double{}).
template <class F>
void ForDType(DType dtype, F&& f) {
  if (dtype == DType::kFloat32) {
    f(float{});
  } else {
    f(double{});
  }
}

template <class T>
const T* In(const Tensor& t) {
  return t.defined() ? static_cast<const T*>(t.raw_data()) : nullptr;
}
template <class T>
T* Out(const Tensor& t) {
  return t.defined() ? static_cast<T*>(t.raw_data()) : nullptr;
}

Shape Strip(const Shape& shape, const std::vector<int64_t>& dims) {
  Shape out;
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
    bool reduced = false;
    for (int64_t r : dims) reduced = reduced || r == d;
    if (!reduced) out.push_back(shape[d]);
  }
  return out;
}

}  // namespace

Tensor Unary(UnaryOp op, const Tensor& x, UnaryParams p) {
  Tensor y = EmptyLike(x.shape(), x.dtype());
  ForDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchUnary<T>(op, x.numel(), In<T>(x), Out<T>(y), p, CurrentStream());
  });
  return y;
}

Tensor UnaryGrad(UnaryGradOp op, const Tensor& dy, const Tensor& saved, UnaryParams p) {
  Tensor dx = EmptyLike(dy.shape(), dy.dtype());
  ForDType(dy.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchUnaryGrad<T>(op, dy.numel(), In<T>(dy), In<T>(saved), Out<T>(dx), p, CurrentStream());
  });
  return dx;
}

Tensor Binary(BinaryOp op, const Tensor& a, const Tensor& b, const Shape& out_shape) {
  Tensor out = EmptyLike(out_shape, a.dtype());
  const StridedIndex ix = MakeBroadcastIndex(a.shape(), b.shape(), out_shape);
  ForDType(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchBinary<T>(op, ix, out.numel(), In<T>(a), In<T>(b), Out<T>(out), CurrentStream());
  });
  return out;
}

Tensor LinearCombination(const Tensor& base, const std::vector<double>& coeffs,
                         const std::vector<Tensor>& terms) {
  Tensor out = EmptyLike(base.shape(), base.dtype());
  ForDType(base.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* src = In<T>(base);
    // Chunks of kMaxLinearTerms; later chunks accumulate onto out.
    for (size_t first = 0; first < terms.size() || first == 0; first += kMaxLinearTerms) {
      const T* ptrs[kMaxLinearTerms];
      const int count = static_cast<int>(
          std::min<size_t>(kMaxLinearTerms, terms.size() - std::min(first, terms.size())));
      for (int i = 0; i < count; ++i) ptrs[i] = In<T>(terms[first + i]);
      LaunchLinearCombination<T>(base.numel(), src, count, coeffs.data() + first, ptrs, Out<T>(out),
                                 CurrentStream());
      src = Out<T>(out);
      if (terms.empty()) break;
    }
  });
  return out;
}

void FillInPlace(const Tensor& y, double value) {
  ForDType(y.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchUnary<T>(UnaryOp::kFill, y.numel(), nullptr, Out<T>(y), {value, 0}, CurrentStream());
  });
}

void CopyInPlace(const Tensor& dst, const Tensor& src) {
  CopyBytes(dst.raw_data(), dst.device(), src.raw_data(), src.device(), dst.nbytes());
}

Tensor Cast(const Tensor& x, DType dtype) {
  Tensor y = EmptyLike(x.shape(), dtype);
  if (x.dtype() == DType::kFloat32 && dtype == DType::kFloat64) {
    LaunchCast<float, double>(x.numel(), In<float>(x), Out<double>(y), CurrentStream());
  } else if (x.dtype() == DType::kFloat64 && dtype == DType::kFloat32) {
    LaunchCast<double, float>(x.numel(), In<double>(x), Out<float>(y), CurrentStream());
  } else {
    CopyInPlace(y, x);
  }
  return y;
}

Tensor Permute(const Tensor& x, const std::vector<int64_t>& perm) {
  Shape out_shape(perm.size());
  for (size_t d = 0; d < perm.size(); ++d) out_shape[d] = x.shape()[perm[d]];
  Tensor y = EmptyLike(out_shape, x.dtype());
  const StridedIndex ix = MakePermuteIndex(x.shape(), perm);
  ForDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchGather<T>(ix, y.numel(), In<T>(x), Out<T>(y), CurrentStream());
  });
  return y;
}

namespace {
int64_t InnerOf(const Shape& s, int64_t dim) {
  int64_t inner = 1;
  for (int64_t d = dim + 1; d < static_cast<int64_t>(s.size()); ++d) inner *= s[d];
  return inner;
}
}  // namespace

Tensor Slice(const Tensor& x, int64_t dim, int64_t start, int64_t end) {
  Shape out_shape = x.shape();
  out_shape[dim] = end - start;
  Tensor y = EmptyLike(out_shape, x.dtype());
  const StridedIndex ix = MakeSliceIndex(x.shape(), dim, start, end);
  const int64_t base = start * InnerOf(x.shape(), dim);
  ForDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchGather<T>(ix, y.numel(), In<T>(x) + base, Out<T>(y), CurrentStream());
  });
  return y;
}

Tensor BroadcastTo(const Tensor& x, const Shape& shape) {
  Tensor y = EmptyLike(shape, x.dtype());
  const StridedIndex ix = MakeBroadcastIndex(x.shape(), shape, shape);
  ForDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchGather<T>(ix, y.numel(), In<T>(x), Out<T>(y), CurrentStream());
  });
  return y;
}

void WriteSlice(const Tensor& dst, int64_t dim, int64_t start, const Tensor& src) {
  const StridedIndex ix = MakeSliceIndex(dst.shape(), dim, start, start + src.shape()[dim]);
  const int64_t base = start * InnerOf(dst.shape(), dim);
  ForDType(dst.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchScatter<T>(ix, src.numel(), In<T>(src), Out<T>(dst) + base, CurrentStream());
  });
}

Tensor Reduce(ReduceOp op, const Tensor& x, const std::vector<int64_t>& dims,
              std::shared_ptr<Storage>* positions) {
  const ReduceIndex ix = MakeReduceIndex(x.shape(), dims);
  Tensor out = EmptyLike(Strip(x.shape(), dims), x.dtype());
  int64_t* pos = nullptr;
  if (positions != nullptr) {
    *positions = Storage::Allocate(sizeof(int64_t) * ix.outputs, Device::kCuda);
    pos = static_cast<int64_t*>((*positions)->data());
  }
  // Freed when this returns: the caching allocator hands it out again only to work queued
  // after this reduction on the same stream.
  const size_t scratch_bytes = ReduceScratchBytes(ix);
  std::shared_ptr<Storage> scratch;
  if (scratch_bytes > 0) scratch = Storage::Allocate(scratch_bytes, Device::kCuda);
  ForDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchReduce<T>(op, ix, In<T>(x), Out<T>(out), pos, scratch ? scratch->data() : nullptr,
                    CurrentStream());
  });
  return out;
}

Tensor PositionsAsValues(const std::shared_ptr<Storage>& positions, const Shape& shape,
                         DType dtype) {
  Tensor out = EmptyLike(shape, dtype);
  ForDType(dtype, [&](auto tag) {
    using T = decltype(tag);
    LaunchPositionsAsValues<T>(out.numel(), static_cast<const int64_t*>(positions->data()),
                               Out<T>(out), CurrentStream());
  });
  return out;
}

Tensor ScatterAtPositions(const Tensor& dy, const Shape& in_shape, int64_t dim,
                          const std::shared_ptr<Storage>& positions) {
  Tensor out = EmptyLike(in_shape, dy.dtype());
  FillInPlace(out, 0.0);
  ForDType(dy.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchScatterAtPositions<T>(MakeOriView(in_shape, dim), In<T>(dy),
                                static_cast<const int64_t*>(positions->data()), Out<T>(out),
                                CurrentStream());
  });
  return out;
}

void GemmInto(bool trans_a, bool trans_b, const Tensor& a, const Tensor& b, const Tensor& c,
              bool accumulate) {
  const int64_t m = trans_a ? a.shape()[1] : a.shape()[0];
  const int64_t k = trans_a ? a.shape()[0] : a.shape()[1];
  const int64_t n = trans_b ? b.shape()[0] : b.shape()[1];
  ForDType(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    Gemm<T>(trans_a, trans_b, m, n, k, In<T>(a), In<T>(b), Out<T>(c), accumulate, CurrentStream());
  });
}

Tensor MatMul(const Tensor& a, const Tensor& b) {
  const Shape& sa = a.shape();
  const Shape& sb = b.shape();
  const int64_t m = sa[sa.size() - 2], k = sa[sa.size() - 1], n = sb[sb.size() - 1];
  int64_t batch = 1;
  for (size_t i = 0; i + 2 < sa.size(); ++i) batch *= sa[i];
  Shape out_shape(sa.begin(), sa.end() - 1);
  out_shape.push_back(n);
  Tensor out = EmptyLike(out_shape, a.dtype());
  const bool b_shared = b.dim() == 2;
  ForDType(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if (b_shared) {
      Gemm<T>(false, false, batch * m, n, k, In<T>(a), In<T>(b), Out<T>(out), false,
              CurrentStream());
    } else {
      GemmStridedBatched<T>(false, false, m, n, k, In<T>(a), m * k, In<T>(b), k * n, Out<T>(out),
                            m * n, batch, false, CurrentStream());
    }
  });
  return out;
}

std::pair<Tensor, Tensor> MatMulGrads(const Tensor& a, const Tensor& b, const Tensor& gc,
                                      bool need_a, bool need_b) {
  const Shape& sa = a.shape();
  const int64_t m = sa[sa.size() - 2], k = sa[sa.size() - 1], n = b.shape()[b.dim() - 1];
  int64_t batch = 1;
  for (size_t i = 0; i + 2 < sa.size(); ++i) batch *= sa[i];
  const bool b_shared = b.dim() == 2;
  Tensor ga, gb;
  ForDType(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if (need_a) {
      ga = EmptyLike(a.shape(), a.dtype());
      if (b_shared) {
        Gemm<T>(false, true, batch * m, k, n, In<T>(gc), In<T>(b), Out<T>(ga), false,
                CurrentStream());
      } else {
        GemmStridedBatched<T>(false, true, m, k, n, In<T>(gc), m * n, In<T>(b), k * n, Out<T>(ga),
                              m * k, batch, false, CurrentStream());
      }
    }
    if (need_b) {
      gb = EmptyLike(b.shape(), b.dtype());
      if (b_shared) {
        Gemm<T>(true, false, k, n, batch * m, In<T>(a), In<T>(gc), Out<T>(gb), false,
                CurrentStream());
      } else {
        GemmStridedBatched<T>(true, false, k, n, m, In<T>(a), m * k, In<T>(gc), m * n, Out<T>(gb),
                              k * n, batch, false, CurrentStream());
      }
    }
  });
  return {ga, gb};
}

namespace {
ConvGeom MakeConvGeom(const Tensor& x, const Tensor& w, int64_t stride, int64_t padding) {
  ConvGeom g;
  g.batch = x.shape()[0];
  g.channels = x.shape()[1];
  g.in_h = x.shape()[2];
  g.in_w = x.shape()[3];
  g.kernel_h = w.shape()[2];
  g.kernel_w = w.shape()[3];
  g.stride_h = g.stride_w = stride;
  g.pad_h = g.pad_w = padding;
  g.out_h = (g.in_h + 2 * padding - g.kernel_h) / stride + 1;
  g.out_w = (g.in_w + 2 * padding - g.kernel_w) / stride + 1;
  return g;
}

Tensor Im2Col(const Tensor& x, const ConvGeom& g) {
  Tensor col = EmptyLike({g.col_rows(), g.col_cols()}, x.dtype());
  ForDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchIm2Col<T>(g, In<T>(x), Out<T>(col), CurrentStream());
  });
  return col;
}
}  // namespace

Tensor Conv2d(const Tensor& x, const Tensor& w, const Tensor& b, int64_t stride, int64_t padding) {
  const ConvGeom g = MakeConvGeom(x, w, stride, padding);
  const int64_t o = w.shape()[0];
  Tensor col = Im2Col(x, g);
  Tensor y_onp = EmptyLike({o, g.col_cols()}, x.dtype());  // [O, N*OH*OW]
  GemmInto(false, false, w.reshape({o, g.col_rows()}), col, y_onp, false);
  Tensor y = Permute(y_onp.reshape({o, g.batch, g.out_h * g.out_w}), {1, 0, 2})
                 .reshape({g.batch, o, g.out_h, g.out_w});
  if (b.defined()) {
    y = Binary(BinaryOp::kAdd, y, b.reshape({1, o, 1, 1}), y.shape());
  }
  return y;
}

Conv2dGrads Conv2dBackward(const Tensor& x, const Tensor& w, const Tensor& dy, int64_t stride,
                           int64_t padding, bool need_dx, bool need_dw, bool need_db) {
  const ConvGeom g = MakeConvGeom(x, w, stride, padding);
  const int64_t o = w.shape()[0];
  Conv2dGrads out;
  // G = dy as [O, N*OH*OW].
  Tensor gm =
      Permute(dy.reshape({g.batch, o, g.out_h * g.out_w}), {1, 0, 2}).reshape({o, g.col_cols()});
  if (need_dw) {
    Tensor col = Im2Col(x, g);
    out.dw = EmptyLike({o, g.col_rows()}, x.dtype());
    GemmInto(false, true, gm, col, out.dw, false);  // dW = G col^T
    out.dw = out.dw.reshape(w.shape());
  }
  if (need_dx) {
    Tensor dcol = EmptyLike({g.col_rows(), g.col_cols()}, x.dtype());
    GemmInto(true, false, w.reshape({o, g.col_rows()}), gm, dcol, false);  // W^T G
    out.dx = EmptyLike(x.shape(), x.dtype());
    FillInPlace(out.dx, 0.0);
    ForDType(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      LaunchCol2Im<T>(g, In<T>(dcol), Out<T>(out.dx), CurrentStream());
    });
  }
  if (need_db) out.db = Reduce(ReduceOp::kSum, dy, {0, 2, 3});
  return out;
}

namespace {
PoolGeom MakePoolGeom(const Shape& x, int64_t k, int64_t s, int64_t p) {
  PoolGeom g;
  g.planes = x[0] * x[1];
  g.in_h = x[2];
  g.in_w = x[3];
  g.k = k;
  g.stride = s;
  g.pad = p;
  g.out_h = (x[2] + 2 * p - k) / s + 1;
  g.out_w = (x[3] + 2 * p - k) / s + 1;
  return g;
}
}  // namespace

Tensor AvgPool2d(const Tensor& x, int64_t kernel, int64_t stride, int64_t padding) {
  const PoolGeom g = MakePoolGeom(x.shape(), kernel, stride, padding);
  Tensor y = EmptyLike({x.shape()[0], x.shape()[1], g.out_h, g.out_w}, x.dtype());
  ForDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchAvgPool2d<T>(g, In<T>(x), Out<T>(y), CurrentStream());
  });
  return y;
}

Tensor AvgPool2dBackward(const Tensor& dy, const Shape& x_shape, int64_t kernel, int64_t stride,
                         int64_t padding) {
  const PoolGeom g = MakePoolGeom(x_shape, kernel, stride, padding);
  Tensor dx = EmptyLike(x_shape, dy.dtype());
  ForDType(dy.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchAvgPool2dBackward<T>(g, In<T>(dy), Out<T>(dx), CurrentStream());
  });
  return dx;
}

NormLayout MakeNormLayout(const Tensor& x, bool per_channel, int64_t groups) {
  NormLayout l;
  l.n = x.shape()[0];
  l.c = x.shape()[1];
  l.s = 1;
  for (int64_t d = 2; d < x.dim(); ++d) l.s *= x.shape()[d];
  l.per_channel = per_channel;
  l.groups = per_channel ? 1 : groups;
  return l;
}

NormStats ComputeNormStats(const Tensor& x, const NormLayout& l, double eps) {
  NormStats s;
  s.mean = EmptyLike({l.num_stats()}, DType::kFloat64);
  s.var = EmptyLike({l.num_stats()}, DType::kFloat64);
  s.rstd = EmptyLike({l.num_stats()}, DType::kFloat64);
  ForDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchNormStats<T>(l, In<T>(x), Out<double>(s.mean), Out<double>(s.var), CurrentStream());
  });
  LaunchRstd(l.num_stats(), In<double>(s.var), eps, Out<double>(s.rstd), CurrentStream());
  return s;
}

Tensor NormApply(const Tensor& x, const NormLayout& l, const NormStats& s, const Tensor& w,
                 const Tensor& b) {
  Tensor y = EmptyLike(x.shape(), x.dtype());
  ForDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchNormApply<T>(l, In<T>(x), In<double>(s.mean), In<double>(s.rstd), In<T>(w), In<T>(b),
                       Out<T>(y), CurrentStream());
  });
  return y;
}

NormGrads NormBackward(const Tensor& x, const Tensor& dy, const NormLayout& l, const NormStats& s,
                       const Tensor& w, bool batch_stats, bool need_dx, bool need_dw,
                       bool need_db) {
  NormGrads g;
  if (need_dx) g.dx = EmptyLike(x.shape(), x.dtype());
  if (need_dw) g.dw = EmptyLike({l.c}, x.dtype());
  if (need_db) g.db = EmptyLike({l.c}, x.dtype());
  if (l.n * l.c == 0) {
    // No samples: dw and db are sums over nothing, 0 as on the CPU (the kernels do not run).
    if (need_dw) FillInPlace(g.dw, 0.0);
    if (need_db) FillInPlace(g.db, 0.0);
    return g;
  }
  Tensor ws = EmptyLike({NormBackwardWorkspace(l)}, DType::kFloat64);
  ForDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchNormBackward<T>(l, In<T>(x), In<T>(dy), In<double>(s.mean), In<double>(s.rstd), In<T>(w),
                          batch_stats, Out<T>(g.dx), Out<T>(g.dw), Out<T>(g.db), Out<double>(ws),
                          CurrentStream());
  });
  return g;
}

Tensor LogSoftmax(const Tensor& x, int64_t dim) {
  Tensor y = EmptyLike(x.shape(), x.dtype());
  const OriView v = MakeOriView(x.shape(), dim);
  ForDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchLogSoftmax<T>(v, In<T>(x), Out<T>(y), CurrentStream());
  });
  return y;
}

Tensor LogSoftmaxBackward(const Tensor& y, const Tensor& dy, int64_t dim) {
  Tensor dx = EmptyLike(y.shape(), y.dtype());
  const OriView v = MakeOriView(y.shape(), dim);
  ForDType(y.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchLogSoftmaxBackward<T>(v, In<T>(y), In<T>(dy), Out<T>(dx), CurrentStream());
  });
  return dx;
}

NllResult NllLoss(const Tensor& logp, const std::vector<int64_t>& labels, double scale) {
  NllResult r;
  const int64_t n = logp.shape()[0], c = logp.shape()[1];
  r.labels = Storage::Allocate(sizeof(int64_t) * labels.size(), Device::kCuda);
  CopyBytes(r.labels->data(), Device::kCuda, labels.data(), Device::kCpu,
            sizeof(int64_t) * labels.size());
  r.loss = EmptyLike({}, logp.dtype());
  ForDType(logp.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchNllLoss<T>(n, c, In<T>(logp), static_cast<const int64_t*>(r.labels->data()), scale,
                     Out<T>(r.loss), CurrentStream());
  });
  return r;
}

Tensor CrossEntropyBackward(const Tensor& logp, const std::shared_ptr<Storage>& labels,
                            const Tensor& g, double scale) {
  Tensor dx = EmptyLike(logp.shape(), logp.dtype());
  ForDType(logp.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchCrossEntropyBackward<T>(logp.shape()[0], logp.shape()[1], In<T>(logp),
                                  static_cast<const int64_t*>(labels->data()), In<T>(g), scale,
                                  Out<T>(dx), CurrentStream());
  });
  return dx;
}

Tensor Mse(const Tensor& a, const Tensor& b, double scale) {
  Tensor out = EmptyLike({}, a.dtype());
  ForDType(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchMse<T>(a.numel(), In<T>(a), In<T>(b), scale, Out<T>(out), CurrentStream());
  });
  return out;
}

Tensor MseBackwardA(const Tensor& a, const Tensor& b, const Tensor& g, double scale) {
  Tensor da = EmptyLike(a.shape(), a.dtype());
  ForDType(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    LaunchMseBackward<T>(a.numel(), In<T>(a), In<T>(b), In<T>(g), scale, Out<T>(da), nullptr,
                         CurrentStream());
  });
  return da;
}

double Item(const Tensor& t) {
  if (t.numel() != 1) {
    throw ValueError("Tensor::item: tensor of shape " + ShapeToString(t.shape()) + " has " +
                     std::to_string(t.numel()) + " elements, expected 1");
  }
  double v = 0.0;
  if (t.dtype() == DType::kFloat64) {
    CopyBytes(&v, Device::kCpu, t.raw_data(), Device::kCuda, sizeof(double));
  } else {
    float f = 0.0f;
    CopyBytes(&f, Device::kCpu, t.raw_data(), Device::kCuda, sizeof(float));
    v = f;
  }
  return v;
}

}  // namespace cuda
}  // namespace acaode
