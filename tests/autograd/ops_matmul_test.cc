// MatMul: values against hand-computed products, gradients of every
// supported shape combination, float32 vs float64, shape errors.
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

Tensor MM(const Inputs& x) { return MatMul(x[0], x[1]); }

TEST(MatMul, HandComputed2D) {
  const Tensor a = FromVector({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor b = FromVector({7, 8, 9, 10, 11, 12}, {3, 2});
  // [1 2 3; 4 5 6] [7 8; 9 10; 11 12] = [58 64; 139 154]
  EXPECT_TRUE(AllClose(MatMul(a, b), {58, 64, 139, 154}));
  EXPECT_TRUE(AllClose(MatMul(FromVector({1, 2, 3}, {3}), b), {58, 64}));
  EXPECT_TRUE(AllClose(MatMul(a, FromVector({1, 0, -1}, {3})), {-2, -2}));
  EXPECT_TRUE(AllClose(MatMul(FromVector({1, 2, 3}, {3}), FromVector({4, 5, 6}, {3})), {32}));
}

TEST(MatMul, BatchedMatchesPerBatch) {
  const Tensor a = RandInput({3, 2, 4});
  const Tensor b = RandInput({3, 4, 5});
  const Tensor c = MatMul(a, b);
  ASSERT_EQ(c.shape(), (Shape{3, 2, 5}));
  for (int64_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(AllClose(c[i], ToVector(MatMul(a[i], b[i])), 1e-14));
  }
  const Tensor w = RandInput({4, 5});
  const Tensor d = MatMul(a, w);
  for (int64_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(AllClose(d[i], ToVector(MatMul(a[i], w)), 1e-14));
  }
}

TEST(MatMul, Gradients) {
  EXPECT_TRUE(GradCheck(MM, {RandInput({3, 4}), RandInput({4, 2})}));
  EXPECT_TRUE(GradCheck(MM, {RandInput({2, 3, 4}), RandInput({2, 4, 5})}));
  EXPECT_TRUE(GradCheck(MM, {RandInput({2, 3, 4}), RandInput({4, 5})}));
  EXPECT_TRUE(GradCheck(MM, {RandInput({2, 2, 3, 4}), RandInput({2, 2, 4, 2})}));
  EXPECT_TRUE(GradCheck(MM, {RandInput({4}), RandInput({4, 3})}));
  EXPECT_TRUE(GradCheck(MM, {RandInput({3, 4}), RandInput({4})}));
  EXPECT_TRUE(GradCheck(MM, {RandInput({4}), RandInput({4})}));
  EXPECT_TRUE(GradCheck(MM, {RandInput({1, 1}), RandInput({1, 1})}));
}

TEST(MatMul, OnlyOneSideRequiresGrad) {
  Tensor a = RandInput({3, 4}).set_requires_grad(true);
  const Tensor b = RandInput({4, 2});
  Sum(MatMul(a, b)).backward();
  // d sum(AB)/dA_ij = sum_n B_jn
  const Tensor row = Sum(b, {1});
  for (int64_t i = 0; i < 3; ++i) EXPECT_TRUE(AllClose(a.grad()[i], ToVector(row), 1e-14));
}

TEST(MatMul, Float32MatchesFloat64) {
  EXPECT_TRUE(Float32MatchesFloat64(MM, {RandInput({16, 33}), RandInput({33, 9})}));
  EXPECT_TRUE(Float32MatchesFloat64(MM, {RandInput({2, 5, 7}), RandInput({2, 7, 3})}));
}

TEST(MatMul, ZeroInnerSize) {
  EXPECT_TRUE(AllClose(MatMul(Zeros({2, 0}), Zeros({0, 3})), {0, 0, 0, 0, 0, 0}));
}

TEST(MatMul, Errors) {
  EXPECT_THAT(
      [] {
        MatMul(Zeros({2, 3}), Zeros({4, 5}));
      },
      ::testing::ThrowsMessage<ValueError>(
          HasSubstr("MatMul: inner sizes differ: shapes [2, 3] and [4, 5]")));
  EXPECT_THAT(
      [] {
        MatMul(Zeros({2, 2, 3}), Zeros({3, 3, 4}));
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("batch dims differ")));
  EXPECT_THROW(MatMul(Zeros({2, 3}), Zeros({2, 3, 4})), ValueError);
  EXPECT_THROW(MatMul(Scalar(1.0), Zeros({2})), ValueError);
  EXPECT_THROW(MatMul(Zeros({2, 3}, DType::kFloat32), Zeros({3, 2})), ValueError);
}

}  // namespace
}  // namespace acaode
