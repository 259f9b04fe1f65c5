// The gradient-check harness: every op's backward is checked through it.
//
//   EXPECT_TRUE(GradCheck([](const Inputs& x) { return Mul(x[0], x[1]); },
//                         {RandInput({2, 3}), RandInput({3})}));
//
// GradCheck(f, inputs) makes float64 leaf copies x_i of the inputs,
// contracts y = f(x) with a fixed random weight w of y's shape (so the
// output gradient is non-trivial and non-scalar outputs are covered),
// L = sum(w * y), runs L.backward(), and compares every element of every
// x_i.grad() with the central difference
//   (L(x + h e_j) - L(x - h e_j)) / (2 h),   h = kFiniteDiffStep,
// evaluated with grad mode off. An element passes when
//   |analytic - numeric| <= kGradAbsTol + kGradRelTol * |numeric|.
// The truncation error of central differences is O(h^2 f''') ~ 1e-12 and
// the round-off O(eps |L| / h) ~ 1e-10, so the tolerances below leave a
// margin of about 100 while a wrong formula (typically off by O(1)) fails.
#ifndef ACAODE_TESTS_AUTOGRAD_GRAD_CHECK_H_
#define ACAODE_TESTS_AUTOGRAD_GRAD_CHECK_H_

#include <cmath>
#include <cstdint>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "autograd/autograd.h"
#include "gtest/gtest.h"

namespace acaode {
namespace testing {

using Inputs = std::vector<Tensor>;
using TensorFn = std::function<Tensor(const Inputs&)>;

constexpr double kFiniteDiffStep = 1e-6;
constexpr double kGradAbsTol = 1e-7;
constexpr double kGradRelTol = 1e-6;
// float32 forward vs float64 forward: relative to the output's scale.
constexpr double kFloat32RelTol = 1e-5;

// The generator every test input comes from (reset per test by Reseed).
inline Generator& TestGen() {
  static Generator gen(20240601);
  return gen;
}
inline void Reseed(uint64_t seed) { TestGen() = Generator(seed); }

// Uniform random float64 input in [lo, hi).
inline Tensor RandInput(const Shape& shape, double lo = -1.0, double hi = 1.0) {
  return RandUniform(shape, lo, hi, TestGen(), DType::kFloat64);
}

// Random input in [lo, hi) with a random sign: |x| >= lo (away from kinks
// and singularities at 0).
inline Tensor RandAwayFromZero(const Shape& shape, double lo = 0.2, double hi = 1.5) {
  Tensor mag = RandUniform(shape, lo, hi, TestGen());
  Tensor sign = RandUniform(shape, -1.0, 1.0, TestGen());
  std::vector<double> m = ToVector(mag), s = ToVector(sign);
  for (size_t i = 0; i < m.size(); ++i) m[i] = s[i] < 0 ? -m[i] : m[i];
  return FromVector(m, shape);
}

namespace internal {
inline double Contract(const Tensor& y, const Tensor& w) { return Sum(Mul(y, w)).item(); }
}  // namespace internal

// The one central-difference oracle of the test suite: dL/dx for every element of every
// tensor in `wrt` (float64 CPU tensors, perturbed in place by ±h and restored), with L =
// loss() evaluated with grad mode off:
//   (L(x + h e_j) − L(x − h e_j)) / (2 h).
// Ops (GradCheck), modules (ModuleGradCheck), steps and solves are checked through it.
inline std::vector<std::vector<double>> CentralDifferences(const std::function<double()>& loss,
                                                           const std::vector<Tensor>& wrt,
                                                           double h = kFiniteDiffStep) {
  std::vector<std::vector<double>> grads;
  NoGradGuard no_grad;
  for (const Tensor& x : wrt) {
    std::vector<double> g(static_cast<size_t>(x.numel()));
    double* p = x.mutable_data<double>();
    for (int64_t j = 0; j < x.numel(); ++j) {
      const double saved = p[j];
      p[j] = saved + h;
      const double plus = loss();
      p[j] = saved - h;
      const double minus = loss();
      p[j] = saved;
      g[static_cast<size_t>(j)] = (plus - minus) / (2 * h);
    }
    grads.push_back(std::move(g));
  }
  return grads;
}

inline ::testing::AssertionResult GradCheck(const TensorFn& f, const Inputs& inputs) {
  Inputs xs;
  for (const Tensor& in : inputs) {
    Tensor x = in.to(DType::kFloat64).detach().clone();
    x.set_requires_grad(true);
    xs.push_back(x);
  }
  Tensor y = f(xs);
  if (!y.requires_grad()) {
    return ::testing::AssertionFailure() << "f's output does not require grad";
  }
  Generator wgen(7);
  const Tensor w = RandUniform(y.shape(), 0.5, 1.5, wgen);
  Sum(Mul(y, w)).backward();

  const std::vector<std::vector<double>> numeric =
      CentralDifferences([&] { return internal::Contract(f(xs), w); }, xs);
  for (size_t i = 0; i < xs.size(); ++i) {
    const Tensor& x = xs[i];
    const std::vector<double> analytic =
        x.grad().defined() ? ToVector(x.grad()) : std::vector<double>(x.numel(), 0.0);
    for (int64_t j = 0; j < x.numel(); ++j) {
      const double err = std::abs(analytic[j] - numeric[i][j]);
      if (!(err <= kGradAbsTol + kGradRelTol * std::abs(numeric[i][j]))) {
        return ::testing::AssertionFailure()
               << "input " << i << " (shape " << ShapeToString(x.shape()) << ") element " << j
               << ": analytic " << analytic[j] << " vs numeric " << numeric[i][j] << " (error "
               << err << ")";
      }
    }
  }
  return ::testing::AssertionSuccess();
}

// f on float32 copies of the inputs equals f on float64 inputs within
// kFloat32RelTol of the largest output magnitude (and keeps dtype float32).
inline ::testing::AssertionResult Float32MatchesFloat64(const TensorFn& f, const Inputs& inputs) {
  Inputs x64, x32;
  for (const Tensor& in : inputs) {
    x64.push_back(in.to(DType::kFloat64));
    x32.push_back(in.to(DType::kFloat32));
  }
  NoGradGuard no_grad;
  const Tensor y64 = f(x64);
  const Tensor y32 = f(x32);
  if (y32.dtype() != DType::kFloat32) {
    return ::testing::AssertionFailure()
           << "float32 inputs gave a " << DTypeName(y32.dtype()) << " output";
  }
  if (y32.shape() != y64.shape()) {
    return ::testing::AssertionFailure() << "shapes differ: " << ShapeToString(y32.shape())
                                         << " vs " << ShapeToString(y64.shape());
  }
  const std::vector<double> a = ToVector(y64), b = ToVector(y32);
  double scale = 1e-30;
  for (double v : a) scale = std::max(scale, std::abs(v));
  for (size_t j = 0; j < a.size(); ++j) {
    if (!(std::abs(a[j] - b[j]) <= kFloat32RelTol * scale)) {
      return ::testing::AssertionFailure() << "element " << j << ": float64 " << a[j]
                                           << " vs float32 " << b[j] << " (scale " << scale << ")";
    }
  }
  return ::testing::AssertionSuccess();
}

// Elementwise |a - b| <= tol for tensors of equal shape.
inline ::testing::AssertionResult AllClose(const Tensor& a, const std::vector<double>& b,
                                           double tol = 1e-12) {
  const std::vector<double> av = ToVector(a);
  if (av.size() != b.size()) {
    return ::testing::AssertionFailure() << "sizes differ: " << av.size() << " vs " << b.size();
  }
  for (size_t j = 0; j < av.size(); ++j) {
    if (!(std::abs(av[j] - b[j]) <= tol)) {
      return ::testing::AssertionFailure() << "element " << j << ": " << av[j] << " vs " << b[j];
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace testing
}  // namespace acaode

#endif  // ACAODE_TESTS_AUTOGRAD_GRAD_CHECK_H_
