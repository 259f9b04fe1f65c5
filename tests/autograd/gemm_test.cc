// Tests of the GEMM (autograd/cpu/gemm.h; the per-instruction-set kernels of
// autograd/cpu/isa/kernels.h; autograd/cpu/onednn_runtime.h: oneDNN's SGEMM): every transpose
// combination, accumulate, row strides and ragged edges against a direct double-precision triple
// loop, for every instruction-set variant this CPU runs; and Conv2d/Linear large enough to take the
// oneDNN SGEMM, float32 against float64 (forward and gradients).
#include "autograd/cpu/gemm.h"

#include <cmath>
#include <cstdint>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "autograd/autograd.h"
#include "autograd/cpu/isa/kernels.h"
#include "autograd/cpu/onednn_runtime.h"
#include "autograd/cpu/parallel.h"
#include "autograd/ops/conv.h"
#include "autograd/ops/linear.h"
#include "gtest/gtest.h"

namespace acaode {
namespace {

struct Case {
  int64_t m, n, k;
  bool ta, tb, acc;
};

// max |C - (C0 if acc) - op(A) op(B)| over the elements, in double.
template <class T>
double MaxError(const Case& c, const std::vector<T>& a, const std::vector<T>& b,
                const std::vector<T>& c0, const std::vector<T>& out) {
  double worst = 0;
  for (int64_t i = 0; i < c.m; ++i)
    for (int64_t j = 0; j < c.n; ++j) {
      double s = c.acc ? double(c0[i * c.n + j]) : 0.0;
      for (int64_t p = 0; p < c.k; ++p) {
        s += double(c.ta ? a[p * c.m + i] : a[i * c.k + p]) *
             double(c.tb ? b[j * c.k + p] : b[p * c.n + j]);
      }
      worst = std::max(worst, std::abs(s - double(out[i * c.n + j])));
    }
  return worst;
}

template <class T>
void Fill(std::vector<T>* v, Generator& gen) {
  for (T& x : *v) x = static_cast<T>(2 * gen.NextUniform() - 1);
}

std::vector<Case> Cases() {
  std::vector<Case> cases;
  // Ragged sizes around the 8 x 32 tile and the 256-deep / 128-row blocks.
  // The skinny shapes of MLP layers take the small-product path (Note [Small GEMM] in
  // autograd/cpu/isa/kernels_impl.h): K = 2, N = 2, M = 2, both directions.
  const int64_t shapes[][3] = {{1, 1, 1},      {7, 33, 5},     {9, 31, 257}, {64, 64, 64},
                               {130, 70, 300}, {17, 100, 513}, {128, 64, 2}, {128, 2, 64},
                               {64, 2, 128},   {2, 64, 128},   {33, 3, 17},  {5, 130, 9},
                               {3, 3, 3}};
  for (const auto& s : shapes)
    for (int t = 0; t < 8; ++t)
      cases.push_back({s[0], s[1], s[2], bool(t & 1), bool(t & 2), bool(t & 4)});
  return cases;
}

TEST(OneDnnSgemm, MatchesDirectProduct) {
  Generator gen(1);
  for (const Case& c : Cases()) {
    std::vector<float> a(c.m * c.k), b(c.k * c.n), out(c.m * c.n);
    Fill(&a, gen);
    Fill(&b, gen);
    Fill(&out, gen);
    const std::vector<float> c0 = out;
    cpu::OneDnnSgemm(c.ta, c.tb, c.m, c.n, c.k, a.data(), b.data(), out.data(), c.acc);
    // float32 sums of k products of |x| < 1: error ~ k * 6e-8.
    EXPECT_LT(MaxError(c, a, b, c0, out), 1e-6 * c.k + 1e-6)
        << c.m << "x" << c.n << "x" << c.k << " ta " << c.ta << " tb " << c.tb << " acc " << c.acc;
  }
}

template <class T>
void ExpectGemmMatchesDirectProduct(
    const std::function<void(const Case&, const T*, const T*, T*)>& gemm, double tol_per_k,
    const std::string& what) {
  Generator gen(2);
  for (const Case& c : Cases()) {
    std::vector<T> a(c.m * c.k), b(c.k * c.n), out(c.m * c.n);
    Fill(&a, gen);
    Fill(&b, gen);
    Fill(&out, gen);
    const std::vector<T> c0 = out;
    gemm(c, a.data(), b.data(), out.data());
    EXPECT_LT(MaxError(c, a, b, c0, out), tol_per_k * (c.k + 1))
        << what << " " << c.m << "x" << c.n << "x" << c.k << " ta " << c.ta << " tb " << c.tb
        << " acc " << c.acc;
  }
}

TEST(Gemm, EveryInstructionSetVariantMatchesDirectProduct) {
  for (cpu::Isa isa : {cpu::Isa::kBaseline, cpu::Isa::kAvx2, cpu::Isa::kAvx512}) {
    if (static_cast<int>(isa) > static_cast<int>(cpu::SupportedIsa())) {
      std::cout << "skipping " << cpu::IsaName(isa) << ": not supported by this CPU\n";
      continue;
    }
    const cpu::CpuKernels& k = cpu::KernelsFor(isa);
    ASSERT_EQ(k.isa, isa);
    // Contiguous operands: leading dimensions as stored.
    ExpectGemmMatchesDirectProduct<double>(
        [&](const Case& c, const double* a, const double* b, double* out) {
          k.f64.gemm(c.ta, c.tb, c.m, c.n, c.k, a, c.ta ? c.m : c.k, b, c.tb ? c.k : c.n, out, c.n,
                     c.acc);
        },
        1e-15, std::string("float64 ") + cpu::IsaName(isa));
    ExpectGemmMatchesDirectProduct<float>(
        [&](const Case& c, const float* a, const float* b, float* out) {
          k.f32.gemm(c.ta, c.tb, c.m, c.n, c.k, a, c.ta ? c.m : c.k, b, c.tb ? c.k : c.n, out, c.n,
                     c.acc);
        },
        1e-6, std::string("float32 ") + cpu::IsaName(isa));
  }
}

// With FMA (AVX2, AVX-512), every element of a small product is its k multiply-adds in
// order, one fused multiply-add each, from 0 or from C: the same bits whatever the register
// blocking, the passes over k (k > 128) or the transposed product used for a wide C from a
// transposed A (Note [Small GEMM] in autograd/cpu/isa/kernels_impl.h). The shapes are the
// 32 -> 128 -> 32 MLP's weight gradients (k = 256) and products, plus ragged edges; each
// variant is checked on the products small enough for its small-product path
// (kSmallGemmMaxMacs: 2^21 multiply-adds with AVX-512, 2^17 with AVX2; larger ones go to
// Eigen's GEMM, which blocks k differently).
TEST(Gemm, SmallProductIsTheOrderedFusedMultiplyAddSum) {
  Generator gen(4);
  const Case cases[] = {{32, 128, 256, true, false, false}, {128, 32, 256, true, false, false},
                        {32, 128, 256, true, false, true},  {128, 32, 256, true, false, true},
                        {256, 128, 32, false, true, false}, {256, 32, 128, false, false, true},
                        {18, 40, 300, true, false, false},  {21, 37, 300, false, false, true},
                        {16, 40, 200, true, false, false},  {17, 36, 200, false, true, true}};
  for (cpu::Isa isa : {cpu::Isa::kAvx2, cpu::Isa::kAvx512}) {
    if (static_cast<int>(isa) > static_cast<int>(cpu::SupportedIsa())) {
      std::cout << "skipping " << cpu::IsaName(isa) << ": not supported by this CPU\n";
      continue;
    }
    const cpu::CpuKernels& kernels = cpu::KernelsFor(isa);
    const int64_t small_macs = isa == cpu::Isa::kAvx512 ? int64_t{1} << 21 : int64_t{1} << 17;
    for (const Case& c : cases) {
      if (c.m * c.n * c.k > small_macs) continue;
      std::vector<double> a(c.m * c.k), b(c.k * c.n), out(c.m * c.n);
      Fill(&a, gen);
      Fill(&b, gen);
      Fill(&out, gen);
      std::vector<double> want = out;
      for (int64_t i = 0; i < c.m; ++i)
        for (int64_t j = 0; j < c.n; ++j) {
          double s = c.acc ? want[i * c.n + j] : 0.0;
          for (int64_t p = 0; p < c.k; ++p) {
            s = std::fma(c.ta ? a[p * c.m + i] : a[i * c.k + p],
                         c.tb ? b[j * c.k + p] : b[p * c.n + j], s);
          }
          want[i * c.n + j] = s;
        }
      kernels.f64.gemm(c.ta, c.tb, c.m, c.n, c.k, a.data(), c.ta ? c.m : c.k, b.data(),
                       c.tb ? c.k : c.n, out.data(), c.n, c.acc);
      int64_t differing = 0;
      for (size_t e = 0; e < out.size(); ++e) differing += out[e] != want[e];
      EXPECT_EQ(differing, 0) << cpu::IsaName(isa) << " " << c.m << "x" << c.n << "x" << c.k
                              << " ta " << c.ta << " tb " << c.tb << " acc " << c.acc;
    }
  }
}

TEST(Gemm, RowStridesSelectSubmatrices) {
  // C[1:3, 1:4] = A[1:3, 0:2] B[0:2, 2:5] inside larger row-major buffers.
  const std::vector<double> a = {1, 2, 9, 3, 4, 9, 5, 6, 9};     // 3 x 3, lda 3
  const std::vector<double> b = {9, 9, 1, 2, 3, 9, 9, 4, 5, 6};  // 2 x 5, ldb 5
  std::vector<double> c(4 * 5, -1.0);                            // 4 x 5, ldc 5
  cpu::GemmKernel<double>(false, false, 2, 3, 2, a.data() + 3, 3, b.data() + 2, 5, c.data() + 5 + 1,
                          5, false);
  // rows (3, 4) and (5, 6) times [[1, 2, 3], [4, 5, 6]]
  const std::vector<double> want = {-1, -1, -1, -1, -1, -1, 19, 26, 33, -1,
                                    -1, 29, 40, 51, -1, -1, -1, -1, -1, -1};
  EXPECT_EQ(c, want);
}

TEST(Gemm, ThreadedEqualsOneThread) {
  // Split over rows of C (also for transposed A, whose rows are strided columns).
  Generator gen(5);
  for (const Case& c :
       {Case{300, 200, 100, false, true, false}, Case{300, 200, 100, true, false, true},
        Case{257, 64, 4000, true, true, false}}) {
    std::vector<double> a(c.m * c.k), b(c.k * c.n), out1(c.m * c.n), out2;
    Fill(&a, gen);
    Fill(&b, gen);
    Fill(&out1, gen);
    out2 = out1;
    const std::vector<double> c0 = out1;
    const int threads = NumThreads();
    SetNumThreads(1);
    cpu::Gemm<double>(c.ta, c.tb, c.m, c.n, c.k, a.data(), b.data(), out1.data(), c.acc);
    SetNumThreads(4);
    cpu::Gemm<double>(c.ta, c.tb, c.m, c.n, c.k, a.data(), b.data(), out2.data(), c.acc);
    SetNumThreads(threads);
    EXPECT_LT(MaxError(c, a, b, c0, out2), 1e-13 * c.k);
    EXPECT_LT(MaxError(c, a, b, c0, out1), 1e-13 * c.k);
  }
}

// max |a - b| / max |b|.
double RelError(const Tensor& a, const Tensor& b) {
  const std::vector<double> x = ToVector(a), y = ToVector(b);
  double scale = 1e-30, err = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    scale = std::max(scale, std::abs(y[i]));
    err = std::max(err, std::abs(x[i] - y[i]));
  }
  return err / scale;
}

// Runs f on float32 and float64 copies of the inputs, with backward of
// sum(w * y), and compares outputs and input gradients.
void ExpectFloat32MatchesFloat64(const std::function<Tensor(const std::vector<Tensor>&)>& f,
                                 const std::vector<Tensor>& inputs) {
  std::vector<Tensor> x32, x64;
  for (const Tensor& t : inputs) {
    x32.push_back(t.to(DType::kFloat32).detach().clone().set_requires_grad(true));
    x64.push_back(t.to(DType::kFloat64).detach().clone().set_requires_grad(true));
  }
  Tensor y32 = f(x32), y64 = f(x64);
  Generator wg(3);
  Tensor w = RandUniform(y64.shape(), 0.5, 1.5, wg);
  Sum(Mul(y32, w.to(DType::kFloat32))).backward();
  Sum(Mul(y64, w)).backward();
  EXPECT_LT(RelError(y32, y64), 1e-5);
  for (size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_LT(RelError(x32[i].grad(), x64[i].grad()), 1e-5) << "gradient of input " << i;
  }
}

TEST(Gemm, LargeConvAndLinearFloat32MatchFloat64) {
  // Sizes where float32 takes oneDNN's SGEMM; float64 always takes Eigen's.
  Generator gen(4);
  Tensor x = RandUniform({8, 32, 8, 8}, -1, 1, gen),
         w = RandUniform({32, 32, 3, 3}, -0.2, 0.2, gen);
  Tensor b = RandUniform({32}, -1, 1, gen);
  ASSERT_TRUE(cpu::UseOneDnnSgemm(32, 8 * 64, 32 * 9));
  ExpectFloat32MatchesFloat64(
      [](const std::vector<Tensor>& v) {
        return Conv2d(v[0], v[1], v[2], {1, 1});
      },
      {x, w, b});
  Tensor xl = RandUniform({256, 96}, -1, 1, gen), wl = RandUniform({128, 96}, -0.2, 0.2, gen);
  Tensor bl = RandUniform({128}, -1, 1, gen);
  ASSERT_TRUE(cpu::UseOneDnnSgemm(256, 128, 96));
  ExpectFloat32MatchesFloat64([](const std::vector<Tensor>& v) { return Linear(v[0], v[1], v[2]); },
                              {xl, wl, bl});
}

}  // namespace
}  // namespace acaode
