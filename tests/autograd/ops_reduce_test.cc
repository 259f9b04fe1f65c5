// Reductions: values, gradients (all / chosen / negative dims, keepdim),
// float32 vs float64, errors.
#include <cmath>

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
using ::acaode::testing::RandInput;
using ::testing::HasSubstr;

// 0..23 in a [2, 3, 4] tensor.
Tensor Iota() { return Arange(0, 24, 1).reshape({2, 3, 4}); }

TEST(Sum, Values) {
  EXPECT_TRUE(AllClose(Sum(Iota()), {276}));
  EXPECT_EQ(Sum(Iota()).dim(), 0);
  // over dim 0: x[0, j, k] + x[1, j, k] = 2 (4j + k) + 12
  EXPECT_TRUE(AllClose(Sum(Iota(), {0}), {12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34}));
  EXPECT_TRUE(AllClose(Sum(Iota(), {-1}), {6, 22, 38, 54, 70, 86}));
  EXPECT_TRUE(AllClose(Sum(Iota(), {0, 2}), {60, 92, 124}));
  EXPECT_EQ(Sum(Iota(), {0, 2}, true).shape(), (Shape{1, 3, 1}));
  EXPECT_EQ(Sum(Iota(), {1}).shape(), (Shape{2, 4}));
  EXPECT_TRUE(AllClose(Sum(Iota(), {}), ToVector(Iota())));
}

TEST(Sum, Gradients) {
  const Tensor x = RandInput({2, 3, 4});
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Sum(v[0]); }, {x}));
  for (const std::vector<int64_t>& dims :
       {std::vector<int64_t>{0}, {1}, {2}, {-1}, {0, 2}, {0, 1}, {1, 2}, {0, 1, 2}}) {
    for (bool keep : {false, true}) {
      EXPECT_TRUE(GradCheck([&](const Inputs& v) { return Sum(v[0], dims, keep); }, {x}));
      EXPECT_TRUE(GradCheck([&](const Inputs& v) { return Mean(v[0], dims, keep); }, {x}));
    }
  }
}

TEST(Mean, Values) {
  EXPECT_TRUE(AllClose(Mean(Iota()), {11.5}));
  EXPECT_TRUE(AllClose(Mean(Iota(), {1}), {4, 5, 6, 7, 16, 17, 18, 19}));
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Mean(v[0]); }, {RandInput({3, 5})}));
}

TEST(MaxMin, ValuesAndArgMax) {
  const Tensor x = FromVector({3, -1, 7, 2, 9, 0}, {2, 3});
  EXPECT_TRUE(AllClose(Max(x), {9}));
  EXPECT_TRUE(AllClose(Min(x), {-1}));
  EXPECT_TRUE(AllClose(Max(x, 1), {7, 9}));
  EXPECT_TRUE(AllClose(Min(x, 0), {2, -1, 0}));
  EXPECT_EQ(Max(x, 0, true).shape(), (Shape{1, 3}));
  EXPECT_TRUE(AllClose(ArgMax(x, 1), {2, 1}));
  EXPECT_TRUE(AllClose(ArgMax(x, 0), {0, 1, 0}));
}

TEST(MaxMin, Gradients) {
  // Distinct random values: the arg-max is unique and stable under the
  // finite-difference step.
  const Tensor x = RandInput({3, 4, 5});
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Max(v[0]); }, {x}));
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Min(v[0]); }, {x}));
  for (int64_t d : {0, 1, 2, -1}) {
    EXPECT_TRUE(GradCheck([d](const Inputs& v) { return Max(v[0], d); }, {x}));
    EXPECT_TRUE(GradCheck([d](const Inputs& v) { return Min(v[0], d, true); }, {x}));
  }
}

TEST(MaxMin, TieGoesToFirst) {
  Tensor x = FromVector({2, 5, 5}, {3}).set_requires_grad(true);
  Max(x).backward();
  EXPECT_TRUE(AllClose(x.grad(), {0, 1, 0}));
}

TEST(Norm, ValuesAndGradient) {
  EXPECT_TRUE(AllClose(Norm(FromVector({3, 4}, {2})), {5}));
  EXPECT_TRUE(AllClose(Norm(FromVector({3e200, 4e200}, {2})), {5e200}, 1e188));
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Norm(v[0]); }, {RandInput({3, 4})}));
  Tensor z = Zeros({3}).set_requires_grad(true);
  Norm(z).backward();
  EXPECT_TRUE(AllClose(z.grad(), {0, 0, 0}));
}

TEST(Reductions, Float32MatchesFloat64) {
  const Tensor x = RandInput({7, 9, 11});
  EXPECT_TRUE(Float32MatchesFloat64([](const Inputs& v) { return Sum(v[0]); }, {x}));
  EXPECT_TRUE(Float32MatchesFloat64([](const Inputs& v) { return Sum(v[0], {0, 2}); }, {x}));
  EXPECT_TRUE(Float32MatchesFloat64([](const Inputs& v) { return Mean(v[0], {1}); }, {x}));
  EXPECT_TRUE(Float32MatchesFloat64([](const Inputs& v) { return Max(v[0], 2); }, {x}));
  EXPECT_TRUE(Float32MatchesFloat64([](const Inputs& v) { return Norm(v[0]); }, {x}));
}

TEST(Reductions, Errors) {
  EXPECT_THAT(
      [] {
        Sum(Zeros({2, 3}), {2});
      },
      ::testing::ThrowsMessage<ValueError>(
          HasSubstr("Sum: dim 2 out of range for a tensor with 2 dims")));
  EXPECT_THAT(
      [] {
        Sum(Zeros({2, 3}), {1, -1});
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("repeated dim")));
  EXPECT_THROW(Max(Zeros({0})), ValueError);
  EXPECT_THROW(Max(Zeros({2, 0}), 1), ValueError);
  EXPECT_THROW(Mean(Zeros({0, 2})), ValueError);
}

}  // namespace
}  // namespace acaode
