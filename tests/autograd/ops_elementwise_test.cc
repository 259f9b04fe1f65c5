// Elementwise ops: gradients (through grad_check.h), values against
// hand-computed numbers, float32 vs float64, broadcasting and bad input.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "autograd/autograd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/autograd/grad_check.h"

namespace acaode {
namespace {

using ::acaode::testing::AllClose;
using ::acaode::testing::Float32MatchesFloat64;
using ::acaode::testing::GradCheck;
using ::acaode::testing::Inputs;
using ::acaode::testing::RandAwayFromZero;
using ::acaode::testing::RandInput;
using ::acaode::testing::TensorFn;
using ::testing::HasSubstr;

// --- unary ops: one gradient check + one float32 check each ---

struct UnaryCase {
  const char* name;
  TensorFn fn;
  double lo, hi;     // input range
  bool away_from_0;  // kink or singularity at 0
};

class UnaryTest : public ::testing::TestWithParam<UnaryCase> {};

Tensor UnaryInput(const UnaryCase& c, const Shape& shape) {
  return c.away_from_0 ? RandAwayFromZero(shape, c.lo, c.hi) : RandInput(shape, c.lo, c.hi);
}

TEST_P(UnaryTest, Gradient) {
  const UnaryCase& c = GetParam();
  EXPECT_TRUE(GradCheck(c.fn, {UnaryInput(c, {3, 4})})) << c.name;
}

TEST_P(UnaryTest, Float32MatchesFloat64) {
  const UnaryCase& c = GetParam();
  EXPECT_TRUE(Float32MatchesFloat64(c.fn, {UnaryInput(c, {5, 7})})) << c.name;
}

TEST_P(UnaryTest, ZeroDimAndEmptyShapes) {
  const UnaryCase& c = GetParam();
  EXPECT_TRUE(GradCheck(c.fn, {UnaryInput(c, {})})) << c.name;
  Tensor e = c.fn({Zeros({0, 3})});
  EXPECT_EQ(e.shape(), (Shape{0, 3}));
}

INSTANTIATE_TEST_SUITE_P(
    AllUnaryOps, UnaryTest,
    ::testing::Values(
        UnaryCase{"Neg", [](const Inputs& x) { return Neg(x[0]); }, -2, 2, false},
        UnaryCase{"UnaryMinus", [](const Inputs& x) { return -x[0]; }, -2, 2, false},
        UnaryCase{"Pow2.5", [](const Inputs& x) { return Pow(x[0], 2.5); }, 0.2, 2, false},
        UnaryCase{"PowNeg", [](const Inputs& x) { return Pow(x[0], -1.5); }, 0.3, 2, false},
        UnaryCase{"Pow3", [](const Inputs& x) { return Pow(x[0], 3.0); }, -2, 2, false},
        UnaryCase{"Pow2", [](const Inputs& x) { return Pow(x[0], 2.0); }, -2, 2, false},
        UnaryCase{"Exp", [](const Inputs& x) { return Exp(x[0]); }, -2, 2, false},
        UnaryCase{"Log", [](const Inputs& x) { return Log(x[0]); }, 0.2, 3, false},
        UnaryCase{"Sqrt", [](const Inputs& x) { return Sqrt(x[0]); }, 0.2, 3, false},
        UnaryCase{"Abs", [](const Inputs& x) { return Abs(x[0]); }, 0.1, 2, true},
        UnaryCase{"Square", [](const Inputs& x) { return Square(x[0]); }, -2, 2, false},
        UnaryCase{"Tanh", [](const Inputs& x) { return Tanh(x[0]); }, -2, 2, false},
        UnaryCase{"Sigmoid", [](const Inputs& x) { return Sigmoid(x[0]); }, -4, 4, false},
        UnaryCase{"Relu", [](const Inputs& x) { return Relu(x[0]); }, 0.1, 2, true},
        UnaryCase{"Softplus", [](const Inputs& x) { return Softplus(x[0]); }, -4, 4, false},
        UnaryCase{"Sin", [](const Inputs& x) { return Sin(x[0]); }, -3, 3, false},
        UnaryCase{"Cos", [](const Inputs& x) { return Cos(x[0]); }, -3, 3, false},
        UnaryCase{"Clamp", [](const Inputs& x) { return Clamp(x[0], -0.5, 0.5); }, 0.05, 1.0,
                  true}),
    [](const ::testing::TestParamInfo<UnaryCase>& info) {
      std::string n = info.param.name;
      for (char& ch : n) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return n;
    });

TEST(UnaryValues, HandComputed) {
  const Tensor x = FromVector({-2.0, -0.5, 0.0, 1.5}, {4});
  EXPECT_TRUE(AllClose(Relu(x), {0, 0, 0, 1.5}));
  EXPECT_TRUE(AllClose(Abs(x), {2, 0.5, 0, 1.5}));
  EXPECT_TRUE(AllClose(Clamp(x, -1, 1), {-1, -0.5, 0, 1}));
  EXPECT_TRUE(AllClose(Square(x), {4, 0.25, 0, 2.25}));
  EXPECT_TRUE(AllClose(Sigmoid(x), {1 / (1 + std::exp(2.0)), 1 / (1 + std::exp(0.5)), 0.5,
                                    1 / (1 + std::exp(-1.5))}));
  EXPECT_TRUE(AllClose(Softplus(x), {std::log1p(std::exp(-2.0)), std::log1p(std::exp(-0.5)),
                                     std::log(2.0), std::log1p(std::exp(1.5))}));
  EXPECT_TRUE(AllClose(Pow(FromVector({4.0, 9.0}, {2}), 0.5), {2, 3}));
  EXPECT_TRUE(AllClose(Pow(FromVector({-3.0, 1.5}, {2}), 2.0), {9, 2.25}));
}

TEST(UnaryValues, StableAtExtremes) {
  const Tensor x = FromVector({-800.0, 800.0}, {2});
  EXPECT_TRUE(AllClose(Sigmoid(x), {0.0, 1.0}));
  EXPECT_TRUE(AllClose(Softplus(x), {0.0, 800.0}));
}

// Tanh is a vectorised formula (cpu::TanhKernel, Note [Vectorised tanh]), not std::tanh:
// it must agree with std::tanh to a few ulps over the whole range, including tiny
// arguments (no cancellation), the points where the reduction changes, saturation and NaN.
TEST(UnaryValues, Float64TanhMatchesStdTanh) {
  std::vector<double> xs = {0.0,
                            -0.0,
                            1e-300,
                            -1e-300,
                            1e-12,
                            -3e-9,
                            0.625,
                            -0.625,
                            std::nextafter(0.625, 1.0),
                            std::nextafter(0.625, 0.0),
                            19.0,
                            -19.0,
                            40.0,
                            400.0,
                            -800.0};
  for (int i = -4000; i <= 4000; ++i) xs.push_back(i * 2.5e-3 + 1e-4);  // [-10, 10]
  for (int k = -30; k <= 2; ++k) xs.push_back(std::ldexp(1.3, k));      // tiny to 5
  const Tensor y = Tanh(FromVector(xs, {static_cast<int64_t>(xs.size())}));
  const std::vector<double> got = ToVector(y);
  for (size_t i = 0; i < xs.size(); ++i) {
    const double want = std::tanh(xs[i]);
    EXPECT_NEAR(got[i], want, 4 * std::numeric_limits<double>::epsilon() * std::abs(want))
        << "tanh(" << xs[i] << ")";
  }
  const std::vector<double> special = ToVector(Tanh(
      FromVector({std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                  -std::numeric_limits<double>::infinity()},
                 {3})));
  EXPECT_TRUE(std::isnan(special[0]));
  EXPECT_EQ(special[1], 1.0);
  EXPECT_EQ(special[2], -1.0);
}

TEST(UnaryValues, KinkGradientsAtZero) {
  Tensor x = Zeros({1}).set_requires_grad(true);
  Sum(Relu(x)).backward();
  EXPECT_EQ(x.grad().item(), 0.0);
  x.zero_grad();
  Sum(Abs(x)).backward();
  EXPECT_EQ(x.grad().item(), 0.0);
}

TEST(UnaryErrors, ClampBadRange) {
  EXPECT_THAT([] { Clamp(Ones({2}), 1.0, -1.0); },
              ::testing::ThrowsMessage<ValueError>(HasSubstr("Clamp: lo must be <= hi")));
}

// --- binary ops with broadcasting ---

struct BinaryCase {
  const char* name;
  TensorFn fn;
  bool positive_b;  // b must stay away from 0 (division)
};

struct ShapePair {
  Shape a, b;
};

class BinaryTest : public ::testing::TestWithParam<std::tuple<BinaryCase, ShapePair>> {};

TEST_P(BinaryTest, GradientWithBroadcasting) {
  const auto& [c, s] = GetParam();
  Tensor a = RandInput(s.a, -1.5, 1.5);
  Tensor b = c.positive_b ? RandAwayFromZero(s.b, 0.5, 2.0) : RandInput(s.b, -1.5, 1.5);
  EXPECT_TRUE(GradCheck(c.fn, {a, b}))
      << c.name << " " << ShapeToString(s.a) << " " << ShapeToString(s.b);
  EXPECT_TRUE(Float32MatchesFloat64(c.fn, {a, b})) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    AllBinaryOps, BinaryTest,
    ::testing::Combine(
        ::testing::Values(
            BinaryCase{"Add", [](const Inputs& x) { return Add(x[0], x[1]); }, false},
            BinaryCase{"Sub", [](const Inputs& x) { return Sub(x[0], x[1]); }, false},
            BinaryCase{"Mul", [](const Inputs& x) { return Mul(x[0], x[1]); }, false},
            BinaryCase{"Div", [](const Inputs& x) { return Div(x[0], x[1]); }, true},
            BinaryCase{"Maximum", [](const Inputs& x) { return Maximum(x[0], x[1]); }, false},
            BinaryCase{"Minimum", [](const Inputs& x) { return Minimum(x[0], x[1]); }, false},
            BinaryCase{"Operators",
                       [](const Inputs& x) { return (x[0] + x[1]) * x[0] - x[1] / 3.0; }, false}),
        ::testing::Values(ShapePair{{2, 3}, {2, 3}},        // same
                          ShapePair{{2, 3}, {}},            // scalar
                          ShapePair{{}, {2, 3}},            // scalar on the left
                          ShapePair{{2, 3}, {3}},           // row
                          ShapePair{{2, 3}, {2, 1}},        // column
                          ShapePair{{4, 2, 3}, {2, 3}},     // leading batch
                          ShapePair{{2, 1}, {1, 3}},        // both stretched
                          ShapePair{{3, 1, 2}, {4, 1}})));  // mixed 3-D

TEST(BinaryValues, BroadcastHandComputed) {
  const Tensor m = FromVector({1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_TRUE(AllClose(Add(m, FromVector({10, 20, 30}, {3})), {11, 22, 33, 14, 25, 36}));
  EXPECT_TRUE(AllClose(Mul(m, FromVector({2, -1}, {2, 1})), {2, 4, 6, -4, -5, -6}));
  EXPECT_TRUE(AllClose(Sub(FromVector({1, 2}, {2, 1}), FromVector({10, 20, 30}, {1, 3})),
                       {-9, -19, -29, -8, -18, -28}));
  EXPECT_EQ(Add(m, FromVector({1, 2}, {2, 1})).shape(), (Shape{2, 3}));
  EXPECT_EQ(Add(Zeros({5, 1, 3}), Zeros({4, 1})).shape(), (Shape{5, 4, 3}));
}

TEST(BinaryValues, MaximumTieSplitsGradient) {
  Tensor a = FromVector({1.0, 2.0}, {2}).set_requires_grad(true);
  Tensor b = FromVector({1.0, 0.0}, {2}).set_requires_grad(true);
  Sum(Maximum(a, b)).backward();
  EXPECT_TRUE(AllClose(a.grad(), {0.5, 1.0}));
  EXPECT_TRUE(AllClose(b.grad(), {0.5, 0.0}));
}

TEST(ScalarOverloads, Gradients) {
  const Tensor x = RandAwayFromZero({2, 3}, 0.5, 2.0);
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Add(v[0], 1.5); }, {x}));
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Add(1.5, v[0]); }, {x}));
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Sub(v[0], 1.5); }, {x}));
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Sub(1.5, v[0]); }, {x}));
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Mul(v[0], -2.5); }, {x}));
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Mul(-2.5, v[0]); }, {x}));
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Div(v[0], 4.0); }, {x}));
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Div(3.0, v[0]); }, {x}));
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return 2.0 - v[0] * 3.0 + 1.0 / v[0]; }, {x}));
  EXPECT_TRUE(AllClose(Div(3.0, FromVector({2.0, -4.0}, {2})), {1.5, -0.75}));
  EXPECT_TRUE(AllClose(Sub(3.0, FromVector({2.0, -4.0}, {2})), {1.0, 7.0}));
}

TEST(BroadcastHelpers, BroadcastToAndSumToShape) {
  EXPECT_TRUE(GradCheck(
      [](const Inputs& v) {
        return BroadcastTo(v[0], {4, 2, 3});
      },
      {RandInput({2, 1})}));
  EXPECT_TRUE(GradCheck(
      [](const Inputs& v) {
        return SumToShape(v[0], {1, 3});
      },
      {RandInput({4, 2, 3})}));
  EXPECT_TRUE(AllClose(SumToShape(FromVector({1, 2, 3, 4, 5, 6}, {2, 3}), {3}), {5, 7, 9}));
  EXPECT_TRUE(AllClose(SumToShape(FromVector({1, 2, 3, 4, 5, 6}, {2, 3}), {2, 1}), {6, 15}));
  EXPECT_TRUE(AllClose(BroadcastTo(FromVector({1, 2}, {2, 1}), {2, 3}), {1, 1, 1, 2, 2, 2}));
}

TEST(BinaryErrors, ShapeMismatchNamesOpAndShapes) {
  EXPECT_THAT(
      [] {
        Add(Zeros({2, 3}), Zeros({4}));
      },
      ::testing::ThrowsMessage<ValueError>(
          HasSubstr("Add: cannot broadcast shapes [2, 3] and [4]")));
  EXPECT_THAT(
      [] {
        Mul(Zeros({2, 3}), Zeros({3, 2}));
      },
      ::testing::ThrowsMessage<ValueError>(
          HasSubstr("Mul: cannot broadcast shapes [2, 3] and [3, 2]")));
}

TEST(BinaryErrors, DTypeMismatch) {
  EXPECT_THAT([] { Add(Zeros({2}, DType::kFloat32), Zeros({2}, DType::kFloat64)); },
              ::testing::ThrowsMessage<ValueError>(
                  HasSubstr("Add: dtype mismatch, float32 [2] and float64 [2]")));
}

TEST(BinaryErrors, UndefinedArgument) {
  EXPECT_THROW(Add(Tensor(), Zeros({2})), ValueError);
  EXPECT_THROW(Exp(Tensor()), ValueError);
}

TEST(Float32, KeepsDTypeThroughBackward) {
  Tensor x = RandInput({3, 2}).to(DType::kFloat32).detach().set_requires_grad(true);
  Tensor b = RandInput({2}).to(DType::kFloat32).detach().set_requires_grad(true);
  Sum(Tanh(Add(Mul(x, x), b))).backward();
  EXPECT_EQ(x.grad().dtype(), DType::kFloat32);
  EXPECT_EQ(b.grad().dtype(), DType::kFloat32);
  EXPECT_EQ(b.grad().shape(), (Shape{2}));
}

}  // namespace
}  // namespace acaode
