// Every CUDA launcher against the CPU op (or CPU kernel) on the same inputs:
// float64 to a tight tolerance, float32 looser. Compiled everywhere; each
// test skips with the CUDA runtime's reason where no GPU is present.
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "autograd/autograd.h"
#include "autograd/cpu/im2col.h"
#include "autograd/cpu/norm_kernels.h"
#include "autograd/cuda/elementwise.h"
#include "autograd/cuda/gemm.h"
#include "autograd/cuda/nn_kernels.h"
#include "autograd/cuda/reduce.h"
#include "autograd/cuda/runtime.h"
#include "autograd/ops/conv.h"
#include "autograd/ops/loss.h"
#include "autograd/ops/norm.h"
#include "autograd/ops/pool.h"
#include "gtest/gtest.h"
#include "tests/autograd/cuda/conv_geometry.h"

namespace acaode::cuda {
namespace {

#define REQUIRE_GPU()                                                      \
  do {                                                                     \
    std::string why;                                                       \
    if (DeviceCount(&why) == 0) GTEST_SKIP() << "no CUDA device: " << why; \
  } while (0)

// Device memory holding n elements of T (RAII; test helper, not the allocator).
template <class T>
class DevBuf {
 public:
  explicit DevBuf(int64_t n) : n_(n) {
    ptr_ = static_cast<T*>(Malloc(sizeof(T) * static_cast<size_t>(n > 0 ? n : 1)));
    if (ptr_ == nullptr) throw RuntimeError("test: device out of memory");
  }
  explicit DevBuf(const std::vector<T>& host) : DevBuf(static_cast<int64_t>(host.size())) {
    CopyBytes(ptr_, Device::kCuda, host.data(), Device::kCpu, sizeof(T) * host.size());
  }
  DevBuf(const DevBuf&) = delete;
  DevBuf& operator=(const DevBuf&) = delete;
  ~DevBuf() { Free(ptr_); }
  T* get() const { return ptr_; }
  std::vector<T> Download() const {
    std::vector<T> out(n_);
    CopyBytes(out.data(), Device::kCpu, ptr_, Device::kCuda, sizeof(T) * out.size());
    return out;
  }

 private:
  T* ptr_ = nullptr;
  int64_t n_;
};

template <class T>
std::vector<T> HostOf(const Tensor& t) {
  const T* p = t.data<T>();
  return std::vector<T>(p, p + t.numel());
}

template <class T>
double Tol() {
  return sizeof(T) == 8 ? 1e-12 : 2e-5;
}

template <class T>
void ExpectClose(const std::vector<T>& got, const Tensor& want, const std::string& what,
                 double tol_scale = 1.0) {
  ASSERT_EQ(static_cast<int64_t>(got.size()), want.numel()) << what;
  const std::vector<T> w = HostOf<T>(want);
  for (size_t i = 0; i < got.size(); ++i) {
    const double tol = Tol<T>() * tol_scale * (1.0 + std::abs(static_cast<double>(w[i])));
    ASSERT_NEAR(static_cast<double>(got[i]), static_cast<double>(w[i]), tol)
        << what << " element " << i;
  }
}

Tensor Random(const Shape& shape, DType dtype, double lo = -2.0, double hi = 2.0,
              uint64_t seed = 7) {
  Generator gen(seed);
  return RandUniform(shape, lo, hi, gen, dtype);
}

template <class T>
class CudaKernelsTest : public ::testing::Test {
 protected:
  static constexpr DType kDType = DTypeOf<T>();
};
using Dtypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(CudaKernelsTest, Dtypes);

TYPED_TEST(CudaKernelsTest, UnaryMatchesCpu) {
  REQUIRE_GPU();
  using T = TypeParam;
  struct Case {
    UnaryOp op;
    Tensor (*cpu)(const Tensor&);
    double lo, hi;
    const char* name;
  };
  const std::vector<Case> cases = {
      {UnaryOp::kNeg, &Neg, -2, 2, "Neg"},    {UnaryOp::kExp, &Exp, -2, 2, "Exp"},
      {UnaryOp::kLog, &Log, 0.1, 3, "Log"},   {UnaryOp::kSqrt, &Sqrt, 0.1, 3, "Sqrt"},
      {UnaryOp::kAbs, &Abs, -2, 2, "Abs"},    {UnaryOp::kSquare, &Square, -2, 2, "Square"},
      {UnaryOp::kTanh, &Tanh, -3, 3, "Tanh"}, {UnaryOp::kSigmoid, &Sigmoid, -8, 8, "Sigmoid"},
      {UnaryOp::kRelu, &Relu, -2, 2, "Relu"}, {UnaryOp::kSoftplus, &Softplus, -8, 8, "Softplus"},
      {UnaryOp::kSin, &Sin, -4, 4, "Sin"},    {UnaryOp::kCos, &Cos, -4, 4, "Cos"},
  };
  for (const Case& c : cases) {
    Tensor x = Random({1000, 3}, TestFixture::kDType, c.lo, c.hi);
    DevBuf<T> dx(HostOf<T>(x)), dy(x.numel());
    LaunchUnary<T>(c.op, x.numel(), dx.get(), dy.get(), {}, CurrentStream());
    ExpectClose(dy.Download(), c.cpu(x), c.name, 4.0);
  }
  Tensor x = Random({517}, TestFixture::kDType, 0.2, 3.0);
  DevBuf<T> dx(HostOf<T>(x)), dy(x.numel());
  LaunchUnary<T>(UnaryOp::kPow, x.numel(), dx.get(), dy.get(), {1.7, 0}, CurrentStream());
  ExpectClose(dy.Download(), Pow(x, 1.7), "Pow", 4.0);
  LaunchUnary<T>(UnaryOp::kClamp, x.numel(), dx.get(), dy.get(), {0.5, 2.0}, CurrentStream());
  ExpectClose(dy.Download(), Clamp(x, 0.5, 2.0), "Clamp");
  LaunchUnary<T>(UnaryOp::kAddScalar, x.numel(), dx.get(), dy.get(), {1.25, 0}, CurrentStream());
  ExpectClose(dy.Download(), Add(x, 1.25), "AddScalar");
  LaunchUnary<T>(UnaryOp::kMulScalar, x.numel(), dx.get(), dy.get(), {-3, 0}, CurrentStream());
  ExpectClose(dy.Download(), Mul(x, -3.0), "MulScalar");
  LaunchUnary<T>(UnaryOp::kDivScalar, x.numel(), dx.get(), dy.get(), {4, 0}, CurrentStream());
  ExpectClose(dy.Download(), Div(x, 4.0), "DivScalar");
  LaunchUnary<T>(UnaryOp::kRSubScalar, x.numel(), dx.get(), dy.get(), {2, 0}, CurrentStream());
  ExpectClose(dy.Download(), Sub(2.0, x), "RSubScalar");
  LaunchUnary<T>(UnaryOp::kRDivScalar, x.numel(), dx.get(), dy.get(), {2, 0}, CurrentStream());
  ExpectClose(dy.Download(), Div(2.0, x), "RDivScalar");
  LaunchUnary<T>(UnaryOp::kFill, x.numel(), nullptr, dy.get(), {0.75, 0}, CurrentStream());
  ExpectClose(dy.Download(), Full({517}, 0.75, TestFixture::kDType), "Fill");
}

TYPED_TEST(CudaKernelsTest, UnaryGradMatchesCpuBackward) {
  REQUIRE_GPU();
  using T = TypeParam;
  struct Case {
    UnaryGradOp op;
    Tensor (*cpu)(const Tensor&);
    bool saved_is_output;
    double lo, hi;
    const char* name;
  };
  const std::vector<Case> cases = {
      {UnaryGradOp::kExp, &Exp, true, -2, 2, "Exp"},
      {UnaryGradOp::kLog, &Log, false, 0.1, 3, "Log"},
      {UnaryGradOp::kSqrt, &Sqrt, true, 0.1, 3, "Sqrt"},
      {UnaryGradOp::kAbs, &Abs, false, -2, 2, "Abs"},
      {UnaryGradOp::kSquare, &Square, false, -2, 2, "Square"},
      {UnaryGradOp::kTanh, &Tanh, true, -3, 3, "Tanh"},
      {UnaryGradOp::kSigmoid, &Sigmoid, true, -8, 8, "Sigmoid"},
      {UnaryGradOp::kRelu, &Relu, true, -2, 2, "Relu"},
      {UnaryGradOp::kSoftplus, &Softplus, false, -8, 8, "Softplus"},
      {UnaryGradOp::kSin, &Sin, false, -4, 4, "Sin"},
      {UnaryGradOp::kCos, &Cos, false, -4, 4, "Cos"},
  };
  Tensor g = Random({300}, TestFixture::kDType, -1, 1, 11);
  DevBuf<T> dg(HostOf<T>(g)), ddx(300);
  for (const Case& c : cases) {
    Tensor x = Random({300}, TestFixture::kDType, c.lo, c.hi).set_requires_grad(true);
    Tensor y = c.cpu(x);
    y.backward(g);
    DevBuf<T> saved(HostOf<T>(c.saved_is_output ? y.detach() : x.detach()));
    LaunchUnaryGrad<T>(c.op, 300, dg.get(), saved.get(), ddx.get(), {}, CurrentStream());
    ExpectClose(ddx.Download(), x.grad(), c.name, 4.0);
  }
  Tensor x = Random({300}, TestFixture::kDType, 0.2, 3).set_requires_grad(true);
  Pow(x, 2.5).backward(g);
  DevBuf<T> dxs(HostOf<T>(x.detach()));
  LaunchUnaryGrad<T>(UnaryGradOp::kPow, 300, dg.get(), dxs.get(), ddx.get(), {2.5, 0},
                     CurrentStream());
  ExpectClose(ddx.Download(), x.grad(), "Pow", 4.0);
  x.zero_grad();
  Clamp(x, 0.5, 2.0).backward(g);
  LaunchUnaryGrad<T>(UnaryGradOp::kClamp, 300, dg.get(), dxs.get(), ddx.get(), {0.5, 2.0},
                     CurrentStream());
  ExpectClose(ddx.Download(), x.grad(), "Clamp");
  x.zero_grad();
  Div(3.0, x).backward(g);
  LaunchUnaryGrad<T>(UnaryGradOp::kRDivScalar, 300, dg.get(), dxs.get(), ddx.get(), {3.0, 0},
                     CurrentStream());
  ExpectClose(ddx.Download(), x.grad(), "RDivScalar", 4.0);
}

TYPED_TEST(CudaKernelsTest, BinaryBroadcastMatchesCpu) {
  REQUIRE_GPU();
  using T = TypeParam;
  const std::vector<std::pair<Shape, Shape>> shapes = {{{4, 5}, {4, 5}},
                                                       {{2, 3, 4}, {3, 1}},
                                                       {{5, 1, 4}, {1, 6, 1}},
                                                       {{7}, {}},
                                                       {{1, 300}, {200, 1}}};
  struct Case {
    BinaryOp op;
    Tensor (*cpu)(const Tensor&, const Tensor&);
    const char* name;
  };
  const std::vector<Case> cases = {{BinaryOp::kAdd, &Add, "Add"},
                                   {BinaryOp::kSub, &Sub, "Sub"},
                                   {BinaryOp::kMul, &Mul, "Mul"},
                                   {BinaryOp::kDiv, &Div, "Div"},
                                   {BinaryOp::kMaximum, &Maximum, "Maximum"},
                                   {BinaryOp::kMinimum, &Minimum, "Minimum"}};
  for (const auto& [sa, sb] : shapes) {
    Tensor a = Random(sa, TestFixture::kDType, 0.5, 2, 1);
    Tensor b = Random(sb, TestFixture::kDType, 0.5, 2, 2);
    const Shape out = BroadcastShapes(sa, sb, "test");
    const StridedIndex ix = MakeBroadcastIndex(sa, sb, out);
    DevBuf<T> da(HostOf<T>(a)), db(HostOf<T>(b)), dout(NumelOf(out));
    for (const Case& c : cases) {
      LaunchBinary<T>(c.op, ix, NumelOf(out), da.get(), db.get(), dout.get(), CurrentStream());
      ExpectClose(dout.Download(), c.cpu(a, b),
                  std::string(c.name) + " " + ShapeToString(sa) + " " + ShapeToString(sb));
    }
  }
  // Masks of Maximum's backward, ties included.
  Tensor a = FromVector({1, 2, 3, 4}, {4}, TestFixture::kDType);
  Tensor b = FromVector({2, 2, 1, 5}, {4}, TestFixture::kDType);
  DevBuf<T> da(HostOf<T>(a)), db(HostOf<T>(b)), dout(4);
  const StridedIndex ix = MakeBroadcastIndex({4}, {4}, {4});
  LaunchBinary<T>(BinaryOp::kMaxMask, ix, 4, da.get(), db.get(), dout.get(), CurrentStream());
  EXPECT_EQ(dout.Download(), (std::vector<T>{0, 0.5, 1, 0}));
  LaunchBinary<T>(BinaryOp::kMinMask, ix, 4, da.get(), db.get(), dout.get(), CurrentStream());
  EXPECT_EQ(dout.Download(), (std::vector<T>{1, 0.5, 0, 1}));
}

TYPED_TEST(CudaKernelsTest, LinearCombinationAxpyGatherScatterCast) {
  REQUIRE_GPU();
  using T = TypeParam;
  const DType dt = TestFixture::kDType;
  Tensor base = Random({10, 33}, dt, -1, 1, 3);
  std::vector<Tensor> terms;
  for (int i = 0; i < 7; ++i) terms.push_back(Random({10, 33}, dt, -1, 1, 10 + i));
  const std::vector<double> coeffs = {0.1, -0.2, 0.0, 1.5, 2.0 / 3.0, -1e-3, 0.25};
  std::vector<std::unique_ptr<DevBuf<T>>> dterms;
  std::vector<const T*> ptrs;
  for (const Tensor& t : terms) {
    dterms.push_back(std::make_unique<DevBuf<T>>(HostOf<T>(t)));
    ptrs.push_back(dterms.back()->get());
  }
  DevBuf<T> dbase(HostOf<T>(base)), dout(base.numel());
  LaunchLinearCombination<T>(base.numel(), dbase.get(), 7, coeffs.data(), ptrs.data(), dout.get(),
                             CurrentStream());
  ExpectClose(dout.Download(), LinearCombination(base, coeffs, terms), "LinearCombination");

  LaunchAxpy<T>(base.numel(), -0.5, ptrs[0], dbase.get(), CurrentStream());
  ExpectClose(dbase.Download(), Add(base, Mul(terms[0], -0.5)), "Axpy");

  Tensor x = Random({2, 3, 4, 5}, dt, -1, 1, 4);
  DevBuf<T> dx(HostOf<T>(x)), dy(x.numel());
  LaunchGather<T>(MakePermuteIndex(x.shape(), {0, 2, 3, 1}), x.numel(), dx.get(), dy.get(),
                  CurrentStream());
  ExpectClose(dy.Download(), Permute(x, {0, 2, 3, 1}), "Permute");
  const StridedIndex sl = MakeSliceIndex(x.shape(), 2, 1, 3);
  LaunchGather<T>(sl, sl.Numel(), dx.get() + 1 * 5, dy.get(), CurrentStream());
  std::vector<T> sliced = dy.Download();
  sliced.resize(sl.Numel());
  ExpectClose(sliced, Slice(x, 2, 1, 3), "Slice");
  // Scatter the slice back into a zeroed tensor: equals x on the slice, 0 elsewhere.
  DevBuf<T> dz(HostOf<T>(Zeros(x.shape(), dt)));
  LaunchScatter<T>(sl, sl.Numel(), dy.get(), dz.get() + 1 * 5, CurrentStream());
  std::vector<T> z = dz.Download();
  const std::vector<T> xv = HostOf<T>(x);
  for (int64_t i = 0; i < x.numel(); ++i) {
    const int64_t k = (i / 5) % 4;
    ASSERT_EQ(z[i], (k >= 1 && k < 3) ? xv[i] : T(0)) << "scatter element " << i;
  }
  const StridedIndex bc = MakeBroadcastIndex({3, 1}, {2, 3, 4}, {2, 3, 4});
  Tensor small = Random({3, 1}, dt, -1, 1, 5);
  DevBuf<T> dsmall(HostOf<T>(small));
  LaunchGather<T>(bc, 24, dsmall.get(), dy.get(), CurrentStream());
  std::vector<T> bcv = dy.Download();
  bcv.resize(24);
  ExpectClose(bcv, BroadcastTo(small, {2, 3, 4}), "BroadcastTo");

  DevBuf<double> d64(x.numel());
  LaunchCast<T, double>(x.numel(), dx.get(), d64.get(), CurrentStream());
  ExpectClose(d64.Download(), x.to(DType::kFloat64), "Cast");
}

TYPED_TEST(CudaKernelsTest, ReductionsMatchCpu) {
  REQUIRE_GPU();
  using T = TypeParam;
  const DType dt = TestFixture::kDType;
  // Shapes for the three kernel variants: one thread per output (many outputs,
  // short reductions), one block per output, and outputs split across blocks
  // (Note [Split reductions]: {4, 100000} along dim 1, every whole-tensor sum
  // of 8192 elements or more).
  for (const Shape& shape :
       {Shape{3, 4, 5}, Shape{2048, 8}, Shape{4, 100000}, Shape{1500, 3, 7}, Shape{3, 1000003}}) {
    Tensor x = Random(shape, dt, -1, 1, 21);
    DevBuf<T> dx(HostOf<T>(x));
    const int64_t nd = static_cast<int64_t>(shape.size());
    std::vector<std::vector<int64_t>> dim_sets = {{0}, {nd - 1}};
    if (nd == 3) dim_sets.push_back({0, 2});
    for (const auto& dims : dim_sets) {
      const ReduceIndex ix = MakeReduceIndex(shape, dims);
      DevBuf<T> dout(ix.outputs);
      DevBuf<char> scratch(static_cast<int64_t>(ReduceScratchBytes(ix)));
      const std::string where = ShapeToString(shape) + " dims " + ShapeToString(dims);
      LaunchReduce<T>(ReduceOp::kSum, ix, dx.get(), dout.get(), nullptr, scratch.get(),
                      CurrentStream());
      ExpectClose(dout.Download(), Sum(x, dims), "Sum " + where, 10.0);
      LaunchReduce<T>(ReduceOp::kMean, ix, dx.get(), dout.get(), nullptr, scratch.get(),
                      CurrentStream());
      ExpectClose(dout.Download(), Mean(x, dims), "Mean " + where, 10.0);
      if (dims.size() == 1) {
        DevBuf<int64_t> darg(ix.outputs);
        LaunchReduce<T>(ReduceOp::kMax, ix, dx.get(), dout.get(), darg.get(), scratch.get(),
                        CurrentStream());
        ExpectClose(dout.Download(), Max(x, dims[0]), "Max " + where);
        const std::vector<int64_t> arg = darg.Download();
        const std::vector<double> want = ToVector(ArgMax(x, dims[0]));
        for (size_t i = 0; i < arg.size(); ++i) {
          ASSERT_EQ(static_cast<double>(arg[i]), want[i]) << "ArgMax " << where << " at " << i;
        }
        LaunchReduce<T>(ReduceOp::kMin, ix, dx.get(), dout.get(), nullptr, scratch.get(),
                        CurrentStream());
        ExpectClose(dout.Download(), Min(x, dims[0]), "Min " + where);
      }
    }
    const ReduceIndex all = MakeReduceIndex(shape, nd == 2 ? Shape{0, 1} : Shape{0, 1, 2});
    DevBuf<T> d1(1);
    DevBuf<char> scratch(static_cast<int64_t>(ReduceScratchBytes(all)));
    LaunchReduce<T>(ReduceOp::kSum, all, dx.get(), d1.get(), nullptr, scratch.get(),
                    CurrentStream());
    ExpectClose(d1.Download(), Sum(x).reshape({1}), "Sum all " + ShapeToString(shape), 10.0);
  }
}

// A split extremum (Note [Split reductions]) picks what a sequential scan picks: the first
// of equal maxima in different chunks, past a chunk of NaNs only.
TYPED_TEST(CudaKernelsTest, SplitExtremumKeepsFirstPositionAndSkipsNaN) {
  REQUIRE_GPU();
  using T = TypeParam;
  const int64_t n = 200000;
  const ReduceIndex ix = MakeReduceIndex({n}, {0});
  const ReduceSplit split = PlanReduceSplit(ix.outputs, ix.reduced);
  ASSERT_GE(split.chunks, 4) << "the case must be split";
  std::vector<T> host(n, T(0));
  for (int64_t k = split.Begin(0); k < split.End(0, n); ++k) host[k] = std::nan("");
  host[split.Begin(2) + 7] = T(5);
  host[split.Begin(3) + 1] = T(5);
  host[n - 1] = T(5);
  DevBuf<T> dx(host);
  DevBuf<T> dout(1);
  DevBuf<int64_t> darg(1);
  DevBuf<char> scratch(static_cast<int64_t>(ReduceScratchBytes(ix)));
  LaunchReduce<T>(ReduceOp::kMax, ix, dx.get(), dout.get(), darg.get(), scratch.get(),
                  CurrentStream());
  EXPECT_EQ(dout.Download()[0], T(5));
  EXPECT_EQ(darg.Download()[0], split.Begin(2) + 7);
  LaunchReduce<T>(ReduceOp::kMin, ix, dx.get(), dout.get(), darg.get(), scratch.get(),
                  CurrentStream());
  EXPECT_EQ(dout.Download()[0], T(0));
  EXPECT_EQ(darg.Download()[0], split.End(0, n));  // the first 0 after the NaN chunk
  std::vector<T> all_nan(n, std::nan(""));
  DevBuf<T> dnan(all_nan);
  LaunchReduce<T>(ReduceOp::kMax, ix, dnan.get(), dout.get(), darg.get(), scratch.get(),
                  CurrentStream());
  EXPECT_TRUE(std::isnan(dout.Download()[0]));
  EXPECT_EQ(darg.Download()[0], 0);
  EXPECT_THROW(
      LaunchReduce<T>(ReduceOp::kSum, ix, dx.get(), dout.get(), nullptr, nullptr, CurrentStream()),
      ValueError);
}

TYPED_TEST(CudaKernelsTest, GemmMatchesCpuMatMulAllTransposes) {
  REQUIRE_GPU();
  using T = TypeParam;
  const DType dt = TestFixture::kDType;
  const int64_t m = 37, n = 53, k = 129;
  for (const bool ta : {false, true}) {
    for (const bool tb : {false, true}) {
      Tensor a = Random(ta ? Shape{k, m} : Shape{m, k}, dt, -1, 1, 31);
      Tensor b = Random(tb ? Shape{n, k} : Shape{k, n}, dt, -1, 1, 32);
      Tensor want = MatMul(ta ? Transpose(a, 0, 1) : a, tb ? Transpose(b, 0, 1) : b);
      Tensor c0 = Random({m, n}, dt, -1, 1, 33);
      DevBuf<T> da(HostOf<T>(a)), db(HostOf<T>(b)), dc(HostOf<T>(c0));
      Gemm<T>(ta, tb, m, n, k, da.get(), db.get(), dc.get(), false, CurrentStream());
      const std::string what =
          std::string("Gemm ta=") + (ta ? "1" : "0") + " tb=" + (tb ? "1" : "0");
      ExpectClose(dc.Download(), want, what, 50.0);
      Gemm<T>(ta, tb, m, n, k, da.get(), db.get(), dc.get(), true, CurrentStream());
      ExpectClose(dc.Download(), Add(want, want), what + " accumulate", 50.0);
    }
  }
  // Batched, with the second operand shared (stride 0).
  const int64_t batch = 3;
  Tensor a = Random({batch, m, k}, dt, -1, 1, 34);
  Tensor b = Random({k, n}, dt, -1, 1, 35);
  DevBuf<T> da(HostOf<T>(a)), db(HostOf<T>(b)), dc(batch * m * n);
  GemmStridedBatched<T>(false, false, m, n, k, da.get(), m * k, db.get(), 0, dc.get(), m * n, batch,
                        false, CurrentStream());
  ExpectClose(dc.Download(), MatMul(a.reshape({batch * m, k}), b), "GemmStridedBatched", 50.0);
}

TYPED_TEST(CudaKernelsTest, Im2ColCol2ImAndConvThroughGemm) {
  REQUIRE_GPU();
  using T = TypeParam;
  const DType dt = TestFixture::kDType;
  ConvGeom g;
  g.batch = 2;
  g.channels = 3;
  g.in_h = 9;
  g.in_w = 7;
  g.kernel_h = g.kernel_w = 3;
  g.stride_h = g.stride_w = 2;
  g.pad_h = g.pad_w = 1;
  g.out_h = (9 + 2 - 3) / 2 + 1;
  g.out_w = (7 + 2 - 3) / 2 + 1;
  Tensor x = Random({2, 3, 9, 7}, dt, -1, 1, 41);
  std::vector<T> col(g.col_rows() * g.col_cols());
  cpu::Im2Col(x.data<T>(), ToCpu(g), col.data());
  DevBuf<T> dx(HostOf<T>(x)), dcol(g.col_rows() * g.col_cols());
  LaunchIm2Col<T>(g, dx.get(), dcol.get(), CurrentStream());
  EXPECT_EQ(dcol.Download(), col) << "im2col is a pure copy: bitwise equal";

  std::vector<T> dx_cpu(x.numel(), T(0.5));
  cpu::Col2Im(col.data(), ToCpu(g), dx_cpu.data());
  DevBuf<T> ddx(std::vector<T>(x.numel(), T(0.5)));
  LaunchCol2Im<T>(g, dcol.get(), ddx.get(), CurrentStream());
  ExpectClose(ddx.Download(), FromData(dx_cpu.data(), x.shape()), "Col2Im", 4.0);

  // conv2d = W [O, C*K*K] x col, against the CPU op.
  const int64_t o = 4;
  Tensor w = Random({o, 3, 3, 3}, dt, -1, 1, 42);
  DevBuf<T> dw(HostOf<T>(w)), dy(o * g.col_cols());
  Gemm<T>(false, false, o, g.col_cols(), g.col_rows(), dw.get(), dcol.get(), dy.get(), false,
          CurrentStream());
  // [O, N*OH*OW] -> [N, O, OH, OW]
  Tensor y = FromData(dy.Download().data(), {o, g.batch, g.out_h, g.out_w});
  ExpectClose(HostOf<T>(Permute(y, {1, 0, 2, 3})), Conv2d(x, w, Tensor(), {2, 1}), "Conv2d", 50.0);
}

TYPED_TEST(CudaKernelsTest, AvgPoolMatchesCpu) {
  REQUIRE_GPU();
  using T = TypeParam;
  Tensor x = Random({2, 3, 9, 8}, TestFixture::kDType, -1, 1, 51).set_requires_grad(true);
  Tensor y = AvgPool2d(x, {3, 2, 1});
  PoolGeom g;
  g.planes = 6;
  g.in_h = 9;
  g.in_w = 8;
  g.k = 3;
  g.stride = 2;
  g.pad = 1;
  g.out_h = y.size(2);
  g.out_w = y.size(3);
  DevBuf<T> dx(HostOf<T>(x.detach())), dy(y.numel());
  LaunchAvgPool2d<T>(g, dx.get(), dy.get(), CurrentStream());
  ExpectClose(dy.Download(), y, "AvgPool2d", 4.0);
  Tensor gy = Random(y.shape(), TestFixture::kDType, -1, 1, 52);
  y.backward(gy);
  DevBuf<T> dgy(HostOf<T>(gy)), dgx(x.numel());
  LaunchAvgPool2dBackward<T>(g, dgy.get(), dgx.get(), CurrentStream());
  ExpectClose(dgx.Download(), x.grad(), "AvgPool2dBackward", 4.0);
}

TYPED_TEST(CudaKernelsTest, NormKernelsMatchCpu) {
  REQUIRE_GPU();
  using T = TypeParam;
  const DType dt = TestFixture::kDType;
  for (const bool per_channel : {true, false}) {
    NormLayout l;
    l.n = 3;
    l.c = 8;
    l.s = 50;
    l.per_channel = per_channel;
    l.groups = per_channel ? 1 : 4;
    cpu::NormLayout cl;
    cl.n = l.n;
    cl.c = l.c;
    cl.s = l.s;
    cl.per_channel = per_channel;
    cl.groups = l.groups;
    Tensor x = Random({l.n, l.c, l.s}, dt, -1, 3, 61);
    Tensor w = Random({l.c}, dt, 0.5, 1.5, 62);
    Tensor b = Random({l.c}, dt, -1, 1, 63);
    Tensor gy = Random({l.n, l.c, l.s}, dt, -1, 1, 64);
    std::vector<double> mean, var;
    cpu::NormStats(x.data<T>(), cl, &mean, &var);
    std::vector<double> rstd(var.size());
    for (size_t k = 0; k < var.size(); ++k) rstd[k] = 1.0 / std::sqrt(var[k] + 1e-5);
    const std::string what = per_channel ? "BatchNorm" : "GroupNorm";

    DevBuf<T> dx(HostOf<T>(x)), dw(HostOf<T>(w)), db(HostOf<T>(b)), dgy(HostOf<T>(gy));
    DevBuf<double> dmean(l.num_stats()), dvar(l.num_stats()), drstd(l.num_stats());
    LaunchNormStats<T>(l, dx.get(), dmean.get(), dvar.get(), CurrentStream());
    LaunchRstd(l.num_stats(), dvar.get(), 1e-5, drstd.get(), CurrentStream());
    ExpectClose(dmean.Download(), FromVector(mean, {l.num_stats()}), what + " mean", 10.0);
    ExpectClose(drstd.Download(), FromVector(rstd, {l.num_stats()}), what + " rstd", 10.0);

    std::vector<T> y(x.numel());
    cpu::NormApply(x.data<T>(), cl, mean, rstd, w.data<T>(), b.data<T>(), y.data());
    DevBuf<T> dy(x.numel());
    LaunchNormApply<T>(l, dx.get(), dmean.get(), drstd.get(), dw.get(), db.get(), dy.get(),
                       CurrentStream());
    ExpectClose(dy.Download(), FromData(y.data(), x.shape()), what + " apply", 10.0);

    for (const bool batch_stats : {true, false}) {
      std::vector<T> gx(x.numel()), gw(l.c), gb(l.c);
      cpu::NormBackward(x.data<T>(), gy.data<T>(), cl, mean, rstd, w.data<T>(), batch_stats,
                        gx.data(), gw.data(), gb.data());
      DevBuf<T> dgx(x.numel()), dgw(l.c), dgb(l.c);
      DevBuf<double> ws(NormBackwardWorkspace(l));
      LaunchNormBackward<T>(l, dx.get(), dgy.get(), dmean.get(), drstd.get(), dw.get(), batch_stats,
                            dgx.get(), dgw.get(), dgb.get(), ws.get(), CurrentStream());
      const std::string w2 = what + (batch_stats ? " backward" : " backward (fixed stats)");
      ExpectClose(dgx.Download(), FromData(gx.data(), x.shape()), w2 + " dx", 100.0);
      ExpectClose(dgw.Download(), FromData(gw.data(), {l.c}), w2 + " dw", 100.0);
      ExpectClose(dgb.Download(), FromData(gb.data(), {l.c}), w2 + " db", 100.0);
    }
  }
}

TYPED_TEST(CudaKernelsTest, BatchNormRunningStatsMatchCpuOp) {
  REQUIRE_GPU();
  using T = TypeParam;
  const DType dt = TestFixture::kDType;
  Tensor x = Random({4, 3, 5, 2}, dt, -1, 3, 71);
  Tensor rm = Random({3}, dt, -1, 1, 72), rv = Random({3}, dt, 0.5, 2, 73);
  DevBuf<T> drm(HostOf<T>(rm)), drv(HostOf<T>(rv)), dx(HostOf<T>(x));
  NormLayout l;
  l.n = 4;
  l.c = 3;
  l.s = 10;
  DevBuf<double> dmean(3), dvar(3);
  LaunchNormStats<T>(l, dx.get(), dmean.get(), dvar.get(), CurrentStream());
  LaunchRunningStats<T>(3, dmean.get(), dvar.get(), 0.1, 40, drm.get(), drv.get(), CurrentStream());
  BatchNorm(x, rm, rv, Tensor(), Tensor(), {true, 0.1, 1e-5});  // updates rm, rv in place
  ExpectClose(drm.Download(), rm, "running_mean", 10.0);
  ExpectClose(drv.Download(), rv, "running_var", 10.0);
}

TYPED_TEST(CudaKernelsTest, LogSoftmaxCrossEntropyMseMatchCpu) {
  REQUIRE_GPU();
  using T = TypeParam;
  const DType dt = TestFixture::kDType;
  // LogSoftmax along a middle dim, forward and backward.
  Tensor x = Random({3, 5, 4}, dt, -3, 3, 81).set_requires_grad(true);
  Tensor y = LogSoftmax(x, 1);
  const OriView v = MakeOriView(x.shape(), 1);
  DevBuf<T> dx(HostOf<T>(x.detach())), dy(x.numel());
  LaunchLogSoftmax<T>(v, dx.get(), dy.get(), CurrentStream());
  ExpectClose(dy.Download(), y, "LogSoftmax", 10.0);
  Tensor gy = Random(y.shape(), dt, -1, 1, 82);
  y.backward(gy);
  DevBuf<T> dgy(HostOf<T>(gy)), dgx(x.numel());
  LaunchLogSoftmaxBackward<T>(v, dy.get(), dgy.get(), dgx.get(), CurrentStream());
  ExpectClose(dgx.Download(), x.grad(), "LogSoftmaxBackward", 10.0);

  // Cross-entropy (mean) = NLL of the log-softmax, and its backward.
  const int64_t n = 6, c = 5;
  Tensor logits = Random({n, c}, dt, -3, 3, 83).set_requires_grad(true);
  const std::vector<int64_t> labels = {0, 4, 2, 2, 1, 3};
  Tensor loss = CrossEntropy(logits, labels);
  DevBuf<T> dlogits(HostOf<T>(logits.detach())), dlogp(n * c), dloss(1);
  DevBuf<int64_t> dlabels(labels);
  LaunchLogSoftmax<T>(MakeOriView({n, c}, 1), dlogits.get(), dlogp.get(), CurrentStream());
  LaunchNllLoss<T>(n, c, dlogp.get(), dlabels.get(), 1.0 / n, dloss.get(), CurrentStream());
  ExpectClose(dloss.Download(), loss.reshape({1}), "CrossEntropy", 10.0);
  loss.backward(Scalar(0.7, dt));
  DevBuf<T> dg(std::vector<T>{T(0.7)}), dglogits(n * c);
  LaunchCrossEntropyBackward<T>(n, c, dlogp.get(), dlabels.get(), dg.get(), 1.0 / n, dglogits.get(),
                                CurrentStream());
  ExpectClose(dglogits.Download(), logits.grad(), "CrossEntropyBackward", 10.0);

  // MSE (sum and mean) and its backward.
  Tensor a = Random({7, 9}, dt, -1, 1, 84).set_requires_grad(true);
  Tensor b = Random({7, 9}, dt, -1, 1, 85).set_requires_grad(true);
  for (const Reduction r : {Reduction::kSum, Reduction::kMean}) {
    a.zero_grad();
    b.zero_grad();
    const double scale = r == Reduction::kMean ? 1.0 / 63 : 1.0;
    Tensor l = MseLoss(a, b, r);
    DevBuf<T> da(HostOf<T>(a.detach())), db(HostOf<T>(b.detach())), dl(1);
    LaunchMse<T>(63, da.get(), db.get(), scale, dl.get(), CurrentStream());
    ExpectClose(dl.Download(), l.reshape({1}), "Mse", 10.0);
    l.backward(Scalar(1.3, dt));
    DevBuf<T> dg13(std::vector<T>{T(1.3)}), dga(63), dgb(63);
    LaunchMseBackward<T>(63, da.get(), db.get(), dg13.get(), scale, dga.get(), dgb.get(),
                         CurrentStream());
    ExpectClose(dga.Download(), a.grad(), "MseBackward da", 10.0);
    ExpectClose(dgb.Download(), b.grad(), "MseBackward db", 10.0);
  }
}

}  // namespace
}  // namespace acaode::cuda
