// Shape ops and Tensor views: values, storage sharing, gradients, errors.
#include "autograd/autograd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/autograd/grad_check.h"

namespace acaode {
namespace {

using ::acaode::testing::AllClose;
using ::acaode::testing::GradCheck;
using ::acaode::testing::Inputs;
using ::acaode::testing::RandInput;
using ::testing::HasSubstr;

Tensor Iota() { return Arange(0, 24, 1).reshape({2, 3, 4}); }

TEST(Views, ReshapeIndexSliceShareStorage) {
  Tensor x = Iota();
  Tensor r = x.reshape({6, -1});
  EXPECT_EQ(r.shape(), (Shape{6, 4}));
  Tensor row = x[1];
  EXPECT_EQ(row.shape(), (Shape{3, 4}));
  EXPECT_TRUE(AllClose(row[-1], {20, 21, 22, 23}));
  Tensor s = x.slice(0, 1, 2);
  r.mutable_data<double>()[23] = -5;  // visible through every view
  EXPECT_EQ(ToVector(row)[11], -5);
  EXPECT_EQ(ToVector(s)[11], -5);
  EXPECT_EQ(ToVector(x.detach())[23], -5);
}

TEST(Views, SliceAlongInnerDimCopies) {
  Tensor x = Iota();
  Tensor s = x.slice(2, 1, 3);
  EXPECT_EQ(s.shape(), (Shape{2, 3, 2}));
  EXPECT_TRUE(AllClose(s, {1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22}));
  EXPECT_TRUE(AllClose(x.slice(-1, -1, 4), {3, 7, 11, 15, 19, 23}));
  EXPECT_TRUE(AllClose(Slice(x, 1, 2, 3), {8, 9, 10, 11, 20, 21, 22, 23}));
}

TEST(Views, Gradients) {
  const Tensor x = RandInput({3, 4, 2});
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Square(v[0].reshape({4, -1})); }, {x}));
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Square(v[0][1]); }, {x}));
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Square(v[0][-1][2]); }, {x}));
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Square(v[0].slice(0, 1, 3)); }, {x}));
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Square(v[0].slice(1, 1, 3)); }, {x}));
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Square(v[0].slice(2, 0, 1)); }, {x}));
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Mul(v[0].clone(), v[0]); }, {x}));
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Square(Unsqueeze(v[0], 1)); }, {x}));
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Square(Flatten(v[0], 1)); }, {x}));
  // Rows used twice: gradients from both uses add up.
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Mul(v[0][0], v[0][2]) + v[0][0]; }, {x}));
}

TEST(Views, DTypeConversionGradient) {
  Tensor x = RandInput({2, 3}).set_requires_grad(true);
  Tensor y = Square(x.to(DType::kFloat32));
  EXPECT_EQ(y.dtype(), DType::kFloat32);
  Sum(y).backward();
  EXPECT_EQ(x.grad().dtype(), DType::kFloat64);
  EXPECT_TRUE(AllClose(x.grad(), ToVector(Mul(x.detach(), 2.0)), 1e-6));
}

TEST(Permute, ValuesAndGradients) {
  const Tensor x = Iota();
  const Tensor t = Transpose(x, 0, 2);
  EXPECT_EQ(t.shape(), (Shape{4, 3, 2}));
  EXPECT_TRUE(AllClose(t[1][2], {9, 21}));  // x[0][2][1], x[1][2][1]
  const Tensor p = Permute(x, {1, 2, 0});
  EXPECT_EQ(p.shape(), (Shape{3, 4, 2}));
  EXPECT_TRUE(AllClose(p[2][3], {11, 23}));
  EXPECT_TRUE(
      AllClose(Transpose(FromVector({1, 2, 3, 4, 5, 6}, {2, 3}), 0, 1), {1, 4, 2, 5, 3, 6}));
  const Tensor r = RandInput({2, 3, 4});
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Transpose(v[0], -1, 0); }, {r}));
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Permute(v[0], {2, 0, 1}); }, {r}));
  EXPECT_THROW(Permute(r, {0, 0, 1}), ValueError);
  EXPECT_THROW(Permute(r, {0, 1}), ValueError);
}

TEST(IndexSelect, ValuesAndGradientWithRepeats) {
  const Tensor x = Iota();
  EXPECT_TRUE(AllClose(IndexSelect(x, 2, {3, 0}), {3, 0, 7, 4, 11, 8, 15, 12, 19, 16, 23, 20}));
  EXPECT_TRUE(AllClose(IndexSelect(x, 0, {-1}), ToVector(x[1])));
  EXPECT_TRUE(GradCheck(
      [](const Inputs& v) {
        return IndexSelect(v[0], 1, {2, 0, 2, 2});
      },
      {RandInput({2, 3, 2})}));
  EXPECT_THAT(
      [] {
        IndexSelect(Zeros({2, 3}), 1, {3});
      },
      ::testing::ThrowsMessage<ValueError>(
          HasSubstr("IndexSelect: index 3 out of range for dim 1 of size 3")));
}

TEST(ConcatStackSplit, Values) {
  const Tensor a = FromVector({1, 2, 3, 4}, {2, 2});
  const Tensor b = FromVector({5, 6}, {2, 1});
  EXPECT_TRUE(AllClose(Concat({a, b}, 1), {1, 2, 5, 3, 4, 6}));
  EXPECT_TRUE(AllClose(Concat({a, b.reshape({1, 2})}, 0), {1, 2, 3, 4, 5, 6}));
  const Tensor s = Stack({a, a * 10.0}, 1);
  EXPECT_EQ(s.shape(), (Shape{2, 2, 2}));
  EXPECT_TRUE(AllClose(s, {1, 2, 10, 20, 3, 4, 30, 40}));
  std::vector<Tensor> parts = Split(Iota(), {1, 3}, 2);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1].shape(), (Shape{2, 3, 3}));
  EXPECT_TRUE(AllClose(parts[0], {0, 4, 8, 12, 16, 20}));
}

TEST(ConcatStackSplit, Gradients) {
  const Tensor a = RandInput({2, 3}), b = RandInput({2, 1}), c = RandInput({2, 2});
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Concat({v[0], v[1], v[2]}, 1); }, {a, b, c}));
  EXPECT_TRUE(GradCheck(
      [](const Inputs& v) {
        return Concat({v[0], v[1]}, 0);
      },
      {a, RandInput({1, 3})}));
  EXPECT_TRUE(GradCheck(
      [](const Inputs& v) {
        return Stack({v[0], v[1]}, 0);
      },
      {a, RandInput({2, 3})}));
  EXPECT_TRUE(GradCheck(
      [](const Inputs& v) {
        return Stack({v[0], v[1]}, -1);
      },
      {a, RandInput({2, 3})}));
  EXPECT_TRUE(GradCheck(
      [](const Inputs& v) {
        std::vector<Tensor> p = Split(v[0], {1, 2, 1}, 1);
        return Mul(p[0], p[2]) + Sum(p[1], {1}, true);
      },
      {RandInput({3, 4})}));
  // Only one concatenated input requires grad.
  Tensor x = RandInput({2, 2}).set_requires_grad(true);
  Sum(Concat({Zeros({2, 1}), x}, 1)).backward();
  EXPECT_TRUE(AllClose(x.grad(), {1, 1, 1, 1}));
}

TEST(ConcatStackSplit, Errors) {
  EXPECT_THAT(
      [] {
        Concat({Zeros({2, 3}), Zeros({3, 3})}, 1);
      },
      ::testing::ThrowsMessage<ValueError>(
          HasSubstr("Concat: tensor 1 (float64 [3, 3]) does not match tensor 0 "
                    "(float64 [2, 3]) outside dim 1")));
  EXPECT_THROW(Concat({}, 0), ValueError);
  EXPECT_THROW(Stack({Zeros({2}), Zeros({3})}), ValueError);
  EXPECT_THAT(
      [] {
        Split(Zeros({5}), {2, 2}, 0);
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("Split: sizes sum to 4")));
}

TEST(ShapeErrors, Messages) {
  EXPECT_THAT(
      [] {
        Zeros({2, 3}).reshape({4, 2});
      },
      ::testing::ThrowsMessage<ValueError>(
          HasSubstr("Reshape: cannot reshape a tensor of shape [2, 3] (6 elements) "
                    "to [4, 2]")));
  EXPECT_THROW(Zeros({2, 3}).reshape({-1, -1}), ValueError);
  EXPECT_THROW(Zeros({2, 3}).reshape({-1, 4}), ValueError);
  EXPECT_THAT(
      [] {
        Zeros({2, 3})[2];
      },
      ::testing::ThrowsMessage<ValueError>(
          HasSubstr("index 2 out of range for dim 0 of size 2 (shape [2, 3])")));
  EXPECT_THROW(Zeros({2, 3})[-3], ValueError);
  EXPECT_THROW(Scalar(1.0)[0], ValueError);
  EXPECT_THROW(Zeros({2, 3}).slice(1, 2, 1), ValueError);
  EXPECT_THROW(Zeros({2, 3}).slice(1, 0, 4), ValueError);
  EXPECT_THROW(Zeros({2, 3}).slice(2, 0, 1), ValueError);
  EXPECT_THROW(Squeeze(Zeros({2, 3}), 0), ValueError);
  EXPECT_EQ(Squeeze(Zeros({2, 1}), -1).shape(), (Shape{2}));
}

}  // namespace
}  // namespace acaode
