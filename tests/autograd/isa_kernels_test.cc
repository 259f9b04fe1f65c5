// Tests of the per-instruction-set kernels (autograd/cpu/isa/kernels.h) for every variant
// this CPU runs: tanh against the C library's (within 4 ulp in float64 and 3 in float32
// over the whole range, special values exact), its gradient, the fused bias + activation, vector
// tails, and the variants against each other.
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "autograd/cpu/isa/isa.h"
#include "autograd/cpu/isa/kernels.h"
#include "gtest/gtest.h"

namespace acaode {
namespace {

using cpu::Isa;

std::vector<Isa> RunnableIsas() {
  std::vector<Isa> isas;
  for (Isa isa : {Isa::kBaseline, Isa::kAvx2, Isa::kAvx512}) {
    if (static_cast<int>(isa) <= static_cast<int>(cpu::SupportedIsa())) {
      isas.push_back(isa);
    } else {
      std::cout << "skipping " << cpu::IsaName(isa) << ": not supported by this CPU\n";
    }
  }
  return isas;
}

// Distance in units in the last place (values mapped to a monotone integer line).
int64_t UlpDistance(double a, double b) {
  int64_t ia, ib;
  std::memcpy(&ia, &a, 8);
  std::memcpy(&ib, &b, 8);
  if (ia < 0) ia = std::numeric_limits<int64_t>::min() - ia;
  if (ib < 0) ib = std::numeric_limits<int64_t>::min() - ib;
  return ia > ib ? ia - ib : ib - ia;
}
int64_t UlpDistance(float a, float b) {
  int32_t ia, ib;
  std::memcpy(&ia, &a, 4);
  std::memcpy(&ib, &b, 4);
  if (ia < 0) ia = std::numeric_limits<int32_t>::min() - ia;
  if (ib < 0) ib = std::numeric_limits<int32_t>::min() - ib;
  return ia > ib ? int64_t{ia} - ib : int64_t{ib} - ia;
}

// Inputs covering every regime: a dense grid over [-25, 25] (both formula regimes of
// Note [Vectorised tanh], k = 0 .. 58, the clamp), log-spaced magnitudes from subnormals
// to 1e3, and the points where the reduction changes k.
std::vector<double> TanhInputs() {
  std::vector<double> x;
  for (int i = -250000; i <= 250000; ++i) x.push_back(i * 1e-4);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> exponent(-320.0, 3.0);
  for (int i = 0; i < 200000; ++i) {
    const double v = std::pow(10.0, exponent(rng));
    x.push_back(i % 2 ? v : -v);
  }
  for (int k = 0; k <= 60; ++k) {
    const double mid = (k + 0.5) * std::log(2.0) / 2;  // y = 2|x| at a rounding boundary
    for (double d : {-1e-15, 0.0, 1e-15}) x.push_back(mid + d);
  }
  for (double v : {19.0, 19.06, 19.1, 20.0, 20.0000001, 40.0, 354.0, 710.0, 1e300}) {
    x.push_back(v);
    x.push_back(-v);
  }
  return x;
}

TEST(TanhKernel, Float64WithinFourUlpOfLibm) {
  const std::vector<double> x = TanhInputs();
  for (Isa isa : RunnableIsas()) {
    std::vector<double> y(x.size());
    cpu::KernelsFor(isa).f64.tanh(x.data(), y.data(), static_cast<int64_t>(x.size()));
    int64_t worst = 0;
    double worst_x = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      const int64_t d = UlpDistance(y[i], std::tanh(x[i]));
      if (d > worst) {
        worst = d;
        worst_x = x[i];
      }
    }
    EXPECT_LE(worst, 4) << cpu::IsaName(isa) << ": worst at x = " << worst_x;
  }
}

TEST(TanhKernel, Float32WithinThreeUlpOfCorrectlyRounded) {
  std::vector<float> x;
  for (double v : TanhInputs()) x.push_back(static_cast<float>(v));
  for (Isa isa : RunnableIsas()) {
    std::vector<float> y(x.size());
    cpu::KernelsFor(isa).f32.tanh(x.data(), y.data(), static_cast<int64_t>(x.size()));
    int64_t worst = 0;
    float worst_x = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      const float want = static_cast<float>(std::tanh(static_cast<double>(x[i])));
      const int64_t d = UlpDistance(y[i], want);
      if (d > worst) {
        worst = d;
        worst_x = x[i];
      }
    }
    EXPECT_LE(worst, 3) << cpu::IsaName(isa) << ": worst at x = " << worst_x;
  }
}

TEST(TanhKernel, SpecialValues) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> x = {0.0, -0.0, inf, -inf, nan, -nan, 4.9e-324, -4.9e-324, 1e-300};
  for (Isa isa : RunnableIsas()) {
    std::vector<double> y(x.size());
    cpu::KernelsFor(isa).f64.tanh(x.data(), y.data(), static_cast<int64_t>(x.size()));
    EXPECT_EQ(y[0], 0.0);
    EXPECT_FALSE(std::signbit(y[0]));
    EXPECT_EQ(y[1], 0.0);
    EXPECT_TRUE(std::signbit(y[1])) << "tanh(-0) = -0";
    EXPECT_EQ(y[2], 1.0);
    EXPECT_EQ(y[3], -1.0);
    EXPECT_TRUE(std::isnan(y[4]));
    EXPECT_TRUE(std::isnan(y[5]));
    EXPECT_EQ(y[6], 4.9e-324);
    EXPECT_EQ(y[7], -4.9e-324);
    EXPECT_EQ(y[8], 1e-300);
    std::vector<float> xf = {
        0.0f,  -0.0f, static_cast<float>(inf), static_cast<float>(-inf), static_cast<float>(nan),
        1e-40f};
    std::vector<float> yf(xf.size());
    cpu::KernelsFor(isa).f32.tanh(xf.data(), yf.data(), static_cast<int64_t>(xf.size()));
    EXPECT_EQ(yf[0], 0.0f);
    EXPECT_TRUE(std::signbit(yf[1]));
    EXPECT_EQ(yf[2], 1.0f);
    EXPECT_EQ(yf[3], -1.0f);
    EXPECT_TRUE(std::isnan(yf[4]));
    EXPECT_EQ(yf[5], 1e-40f);
  }
}

TEST(TanhKernel, EveryTailLengthAndInPlace) {
  // n = 0 .. 33 covers every remainder of 2-, 4-, 8- and 16-lane vectors.
  for (Isa isa : RunnableIsas()) {
    for (int64_t n = 0; n <= 33; ++n) {
      std::vector<double> x(n + 1, 7.0), y(n + 1, 7.0);
      for (int64_t i = 0; i < n; ++i) x[i] = 0.37 * i - 3.1;
      cpu::KernelsFor(isa).f64.tanh(x.data(), y.data(), n);
      for (int64_t i = 0; i < n; ++i) EXPECT_LE(UlpDistance(y[i], std::tanh(x[i])), 4);
      EXPECT_EQ(y[n], 7.0) << "wrote past the end, n = " << n;
      cpu::KernelsFor(isa).f64.tanh(x.data(), x.data(), n);  // in place
      for (int64_t i = 0; i < n; ++i) EXPECT_EQ(x[i], y[i]);
    }
  }
}

TEST(TanhKernel, ActiveTableIsOneOfTheVariants) {
  EXPECT_EQ(cpu::Kernels().isa, cpu::ActiveIsa());
  EXPECT_LE(static_cast<int>(cpu::ActiveIsa()), static_cast<int>(cpu::SupportedIsa()));
}

TEST(TanhGradKernel, IsGradientThroughTheOutput) {
  for (Isa isa : RunnableIsas()) {
    const std::vector<double> g = {1.0, -2.0, 0.5, 3.0, 1.0};
    const std::vector<double> y = {0.0, 0.5, -0.9, 1.0, 0.25};
    std::vector<double> out(g.size());
    cpu::KernelsFor(isa).f64.tanh_grad(g.data(), y.data(), out.data(), 5);
    for (size_t i = 0; i < g.size(); ++i) EXPECT_DOUBLE_EQ(out[i], g[i] * (1 - y[i] * y[i]));
  }
}

// The exact elementwise kernels: every variant, every tail length (vector bodies and
// remainders), both dtypes, the same values as the scalar formulas bit for bit; ReLU's
// gradient is 0 where the output is 0, negative or NaN.
template <class T>
void CheckExactElementwiseKernels(const cpu::KernelsOf<T>& k) {
  const T nan = std::numeric_limits<T>::quiet_NaN();
  for (int64_t n = 0; n <= 37; ++n) {
    std::vector<T> g(n), y(n), acc(n), out(n, T(-7));
    for (int64_t i = 0; i < n; ++i) {
      g[i] = static_cast<T>(std::sin(1.3 * i) * 5);
      y[i] = i % 7 == 3 ? nan : i % 5 == 1 ? T(0) : static_cast<T>(std::cos(0.9 * i));
      acc[i] = static_cast<T>(std::sin(0.4 * i + 1));
    }
    k.relu_grad(g.data(), y.data(), out.data(), n);
    for (int64_t i = 0; i < n; ++i) {
      EXPECT_EQ(out[i], y[i] > T(0) ? g[i] : T(0)) << "relu_grad n=" << n << " i=" << i;
    }
    std::vector<T> sum = acc;
    k.add_into(sum.data(), g.data(), n);
    for (int64_t i = 0; i < n; ++i) EXPECT_EQ(sum[i], acc[i] + g[i]) << "add_into i=" << i;
    const T c = static_cast<T>(-0.3);
    k.scale(g.data(), c, out.data(), n);
    for (int64_t i = 0; i < n; ++i) EXPECT_EQ(out[i], c * g[i]) << "scale i=" << i;
    // add_scaled_into: the bits of scale then add_into (the product is not fused into the
    // sum), which the engine's scaled accumulation relies on.
    std::vector<T> scaled_sum = acc;
    k.add_scaled_into(scaled_sum.data(), g.data(), c, n);
    for (int64_t i = 0; i < n; ++i) {
      const volatile T product = c * g[i];  // rounded on its own
      EXPECT_EQ(scaled_sum[i], acc[i] + product) << "add_scaled_into n=" << n << " i=" << i;
    }
  }
}

TEST(ExactElementwiseKernels, MatchScalarFormulasInEveryVariant) {
  for (Isa isa : RunnableIsas()) {
    SCOPED_TRACE(cpu::IsaName(isa));
    CheckExactElementwiseKernels(cpu::KernelsFor(isa).f64);
    CheckExactElementwiseKernels(cpu::KernelsFor(isa).f32);
  }
}

TEST(BiasActivationKernel, MatchesScalarFormulas) {
  const int64_t rows = 5, cols = 19;  // ragged columns: vector tails inside every row
  std::vector<double> y0(rows * cols), bias(cols);
  for (int64_t i = 0; i < rows * cols; ++i) y0[i] = std::sin(0.7 * i) * 3;
  for (int64_t c = 0; c < cols; ++c) bias[c] = 0.1 * c - 1;
  for (Isa isa : RunnableIsas()) {
    const auto& k = cpu::KernelsFor(isa).f64;
    for (cpu::Activation act :
         {cpu::Activation::kNone, cpu::Activation::kTanh, cpu::Activation::kRelu}) {
      for (bool with_bias : {true, false}) {
        std::vector<double> y = y0;
        k.bias_activation(y.data(), with_bias ? bias.data() : nullptr, rows, cols, act);
        for (int64_t r = 0; r < rows; ++r) {
          for (int64_t c = 0; c < cols; ++c) {
            const double pre = y0[r * cols + c] + (with_bias ? bias[c] : 0.0);
            const double want = act == cpu::Activation::kTanh   ? std::tanh(pre)
                                : act == cpu::Activation::kRelu ? (pre > 0 ? pre : 0.0)
                                                                : pre;
            EXPECT_LE(UlpDistance(y[r * cols + c], want), 4)
                << cpu::IsaName(isa) << " act " << static_cast<int>(act) << " at " << r << "," << c;
          }
        }
      }
    }
  }
}

// The fused small Linear (Note [Fused small Linear]) is bit for bit Gemm then
// BiasActivation, for every variant, activation, bias or none, and ragged widths (vector
// blocks, single vectors and a scalar tail in one row); it declines products that are not
// small or narrower than two vectors.
template <class T>
void ExpectFusedLinearIsGemmThenBiasActivation() {
  for (Isa isa : RunnableIsas()) {
    const auto& k = cpu::KernelsOfType<T>(cpu::KernelsFor(isa));
    for (const auto& [rows, in, out] : std::vector<std::array<int64_t, 3>>{
             {128, 2, 64}, {7, 3, 19}, {5, 16, 75}, {33, 64, 40}, {1, 1, 16}}) {
      std::vector<T> x(rows * in), w(out * in), bias(out);
      for (size_t i = 0; i < x.size(); ++i) x[i] = T(std::sin(0.37 * i) * 2);
      for (size_t i = 0; i < w.size(); ++i) w[i] = T(std::cos(0.91 * i));
      for (int64_t c = 0; c < out; ++c) bias[c] = T(0.1 * c - 1);
      for (cpu::Activation act :
           {cpu::Activation::kNone, cpu::Activation::kTanh, cpu::Activation::kRelu}) {
        for (const T* b : {static_cast<const T*>(bias.data()), static_cast<const T*>(nullptr)}) {
          std::vector<T> fused(rows * out, T(-7)), reference(rows * out, T(-7));
          const bool done =
              k.linear_activation(x.data(), w.data(), b, fused.data(), rows, in, out, act);
          const int64_t lanes = cpu::IsaName(isa) == std::string("avx512") ? 64 / sizeof(T)
                                : cpu::IsaName(isa) == std::string("avx2") ? 32 / sizeof(T)
                                                                           : 16 / sizeof(T);
          EXPECT_EQ(done, out >= 2 * lanes)
              << cpu::IsaName(isa) << " " << rows << "x" << in << "x" << out;
          if (!done) continue;
          k.gemm(false, true, rows, out, in, x.data(), in, w.data(), in, reference.data(), out,
                 false);
          k.bias_activation(reference.data(), b, rows, out, act);
          EXPECT_EQ(0, std::memcmp(fused.data(), reference.data(), sizeof(T) * fused.size()))
              << cpu::IsaName(isa) << " " << rows << "x" << in << "x" << out << " act "
              << static_cast<int>(act) << (b ? " bias" : "");
        }
      }
    }
    // Not small: declined, y untouched.
    std::vector<T> big_x(512 * 64), big_w(256 * 64), big_y(512 * 256, T(3));
    EXPECT_FALSE(k.linear_activation(big_x.data(), big_w.data(), nullptr, big_y.data(), 512, 64,
                                     256, cpu::Activation::kTanh));
    EXPECT_EQ(big_y[0], T(3));
  }
}

TEST(LinearActivationKernel, Float64IsGemmThenBiasActivation) {
  ExpectFusedLinearIsGemmThenBiasActivation<double>();
}

TEST(LinearActivationKernel, Float32IsGemmThenBiasActivation) {
  ExpectFusedLinearIsGemmThenBiasActivation<float>();
}

// The norms' plane kernels against the formulas summed plainly in long double, for lengths
// with every vector tail, in every variant: sums to a few ulp of their magnitude (the
// variants differ only in FMA contraction and summation order within 8 lanes).
template <class T>
void CheckPlaneKernels(const cpu::KernelsOf<T>& k, const char* isa) {
  const double eps = std::numeric_limits<T>::epsilon();
  for (int64_t n = 0; n <= 70; ++n) {
    SCOPED_TRACE(std::string(isa) + " n=" + std::to_string(n));
    std::vector<T> x(n), dy(n), y(n), dx(n);
    for (int64_t i = 0; i < n; ++i) {
      x[i] = static_cast<T>(std::sin(0.7 * i) * 3 + 0.5);
      dy[i] = static_cast<T>(std::cos(1.1 * i));
    }
    const double mean = 0.4, rstd = 1.7, w = -0.8, a = 0.05, b = -0.3;
    long double s = 0, sq = 0, sdy = 0, sdyx = 0, abs_s = 0, abs_sdyx = 0;
    for (int64_t i = 0; i < n; ++i) {
      const long double xhat = (static_cast<long double>(x[i]) - mean) * rstd;
      s += x[i];
      abs_s += std::abs(static_cast<long double>(x[i]));
      sq += (x[i] - mean) * (x[i] - mean);
      sdy += dy[i];
      sdyx += dy[i] * xhat;
      abs_sdyx += std::abs(dy[i] * xhat);
    }
    EXPECT_NEAR(k.plane_sum(x.data(), n), static_cast<double>(s), 1e-15 * (n + 1) * abs_s);
    EXPECT_NEAR(k.plane_squared_deviation(x.data(), mean, n), static_cast<double>(sq),
                1e-14 * (n + 1) * (sq + 1));
    double got_sdy = -1, got_sdyx = -1;
    k.plane_norm_sums(dy.data(), x.data(), mean, rstd, n, &got_sdy, &got_sdyx);
    EXPECT_NEAR(got_sdy, static_cast<double>(sdy), 1e-14 * (n + 1));
    EXPECT_NEAR(got_sdyx, static_cast<double>(sdyx), 1e-14 * (n + 1) * (abs_sdyx + 1));
    k.plane_affine(x.data(), static_cast<T>(w), static_cast<T>(b), y.data(), n);
    k.plane_norm_input_grad(dy.data(), x.data(), w, a, b, mean, rstd, dx.data(), n);
    for (int64_t i = 0; i < n; ++i) {
      const double want_y = static_cast<double>(x[i]) * static_cast<T>(w) + static_cast<T>(b);
      EXPECT_NEAR(y[i], want_y, 4 * eps * (std::abs(want_y) + 3)) << "affine i=" << i;
      const double xhat = (x[i] - mean) * rstd;
      const double want_dx = rstd * (dy[i] * w - a - xhat * b);
      EXPECT_NEAR(dx[i], want_dx, 4 * eps * (std::abs(want_dx) + 3)) << "input grad i=" << i;
    }
  }
}

TEST(NormPlaneKernels, MatchTheFormulasInEveryVariant) {
  for (Isa isa : RunnableIsas()) {
    CheckPlaneKernels(cpu::KernelsFor(isa).f64, cpu::IsaName(isa));
    CheckPlaneKernels(cpu::KernelsFor(isa).f32, cpu::IsaName(isa));
  }
}

}  // namespace
}  // namespace acaode
