// Tests of the NN ops (autograd/ops/{conv,pool,norm,loss,linear}.h):
// gradients through grad_check.h, forward values against independent
// direct formulas, float32 vs float64, and bad input.
#include <cmath>
#include <cstdint>
#include <ostream>
#include <vector>

#include "autograd/autograd.h"
#include "autograd/ops/conv.h"
#include "autograd/ops/linear.h"
#include "autograd/ops/loss.h"
#include "autograd/ops/norm.h"
#include "autograd/ops/pool.h"
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
using ::acaode::testing::Reseed;
using ::testing::HasSubstr;

// Direct (seven nested loops) convolution in double: the oracle for Conv2d.
std::vector<double> NaiveConv(const Tensor& x, const Tensor& w, const Tensor& b, int64_t stride,
                              int64_t pad) {
  const std::vector<double> xv = ToVector(x), wv = ToVector(w);
  const std::vector<double> bv = b.defined() ? ToVector(b) : std::vector<double>();
  const int64_t n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
  const int64_t o = w.size(0), kh = w.size(2), kw = w.size(3);
  const int64_t oh = (h + 2 * pad - kh) / stride + 1;
  const int64_t ow = (wd + 2 * pad - kw) / stride + 1;
  std::vector<double> y;
  for (int64_t in = 0; in < n; ++in)
    for (int64_t io = 0; io < o; ++io)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          double s = bv.empty() ? 0.0 : bv[io];
          for (int64_t ic = 0; ic < c; ++ic)
            for (int64_t a = 0; a < kh; ++a)
              for (int64_t bb = 0; bb < kw; ++bb) {
                const int64_t ih = i * stride - pad + a, iw = j * stride - pad + bb;
                if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                s +=
                    wv[((io * c + ic) * kh + a) * kw + bb] * xv[((in * c + ic) * h + ih) * wd + iw];
              }
          y.push_back(s);
        }
  return y;
}

struct ConvCase {
  Shape x, w;
  int64_t stride, pad;
  bool bias;
};

void PrintTo(const ConvCase& c, std::ostream* os) {
  *os << "x" << ShapeToString(c.x) << " w" << ShapeToString(c.w) << " stride " << c.stride
      << " pad " << c.pad << (c.bias ? " bias" : " no bias");
}

class Conv2dTest : public ::testing::TestWithParam<ConvCase> {};

TEST_P(Conv2dTest, ForwardMatchesDirectConvolution) {
  Reseed(1);
  const ConvCase c = GetParam();
  Tensor x = RandInput(c.x), w = RandInput(c.w);
  Tensor b = c.bias ? RandInput({c.w[0]}) : Tensor();
  Tensor y = Conv2d(x, w, b, {c.stride, c.pad});
  const int64_t oh = (c.x[2] + 2 * c.pad - c.w[2]) / c.stride + 1;
  const int64_t ow = (c.x[3] + 2 * c.pad - c.w[3]) / c.stride + 1;
  EXPECT_EQ(y.shape(), (Shape{c.x[0], c.w[0], oh, ow}));
  EXPECT_TRUE(AllClose(y, NaiveConv(x, w, b, c.stride, c.pad), 1e-12));
}

TEST_P(Conv2dTest, Gradients) {
  Reseed(2);
  const ConvCase c = GetParam();
  Inputs in = {RandInput(c.x), RandInput(c.w)};
  if (c.bias) in.push_back(RandInput({c.w[0]}));
  const Conv2dParams p{c.stride, c.pad};
  EXPECT_TRUE(GradCheck(
      [p](const Inputs& v) { return Conv2d(v[0], v[1], v.size() > 2 ? v[2] : Tensor(), p); }, in));
}

TEST_P(Conv2dTest, Float32MatchesFloat64) {
  Reseed(3);
  const ConvCase c = GetParam();
  Inputs in = {RandInput(c.x), RandInput(c.w), RandInput({c.w[0]})};
  const Conv2dParams p{c.stride, c.pad};
  EXPECT_TRUE(
      Float32MatchesFloat64([p](const Inputs& v) { return Conv2d(v[0], v[1], v[2], p); }, in));
}

INSTANTIATE_TEST_SUITE_P(Shapes, Conv2dTest,
                         ::testing::Values(ConvCase{{2, 3, 5, 5}, {4, 3, 3, 3}, 1, 1, true},
                                           ConvCase{{1, 2, 6, 7}, {3, 2, 3, 2}, 2, 0, false},
                                           ConvCase{{2, 2, 5, 4}, {2, 2, 1, 1}, 1, 0, true},
                                           ConvCase{{1, 1, 7, 7}, {2, 1, 3, 3}, 3, 2, true},
                                           ConvCase{{3, 2, 4, 4}, {2, 2, 4, 4}, 1, 0, true},
                                           ConvCase{{2, 2, 4, 6}, {3, 2, 3, 3}, 1, 1, true},
                                           ConvCase{{1, 2, 5, 5}, {2, 2, 5, 5}, 1, 2, false},
                                           ConvCase{{1, 1, 3, 3}, {1, 1, 3, 3}, 1, 2, true}));

TEST(Conv2dErrors, BadInputNamesTheArgument) {
  Tensor x = Zeros({1, 3, 5, 5}), w = Zeros({4, 3, 3, 3});
  EXPECT_THAT(
      [&] {
        Conv2d(Zeros({3, 5, 5}), w, Tensor());
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("input must be 4-D")));
  EXPECT_THAT(
      [&] {
        Conv2d(x, Zeros({4, 2, 3, 3}), Tensor());
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("channels")));
  EXPECT_THAT([&] { Conv2d(x, w, Zeros({5})); },
              ::testing::ThrowsMessage<ValueError>(HasSubstr("bias must have shape [4]")));
  EXPECT_THAT([&] { Conv2d(x, w.to(DType::kFloat32), Tensor()); },
              ::testing::ThrowsMessage<ValueError>(HasSubstr("dtype mismatch")));
  EXPECT_THAT(
      [&] {
        Conv2d(x, w, Tensor(), {0, 0});
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("stride")));
  EXPECT_THAT(
      [&] {
        Conv2d(Zeros({1, 3, 2, 2}), w, Tensor());
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("does not fit")));
}

TEST(AvgPool2d, ForwardValuesByHand) {
  // 1x1x4x4 with values 0..15; 2x2 windows, stride 2.
  Tensor x = Arange(0, 16, 1).reshape({1, 1, 4, 4});
  EXPECT_TRUE(AllClose(AvgPool2d(x, {2}), {2.5, 4.5, 10.5, 12.5}));
  // Padding 1, kernel 2, stride 2: corners average one real value over 4.
  Tensor y = AvgPool2d(x, {2, 2, 1});
  EXPECT_EQ(y.shape(), (Shape{1, 1, 3, 3}));
  EXPECT_NEAR(ToVector(y)[0], 0.0 / 4, 1e-15);
  EXPECT_NEAR(ToVector(y)[1], (1 + 2) / 4.0, 1e-15);
  EXPECT_NEAR(ToVector(y)[4], (5 + 6 + 9 + 10) / 4.0, 1e-15);
}

TEST(AvgPool2d, Gradients) {
  Reseed(4);
  for (AvgPool2dParams p :
       {AvgPool2dParams{2, 0, 0}, AvgPool2dParams{3, 1, 1}, AvgPool2dParams{2, 2, 1}}) {
    EXPECT_TRUE(
        GradCheck([p](const Inputs& v) { return AvgPool2d(v[0], p); }, {RandInput({2, 2, 5, 5})}))
        << "kernel " << p.kernel << " stride " << p.stride << " pad " << p.padding;
  }
  EXPECT_TRUE(Float32MatchesFloat64(
      [](const Inputs& v) {
        return AvgPool2d(v[0], {3, 1, 1});
      },
      {RandInput({2, 2, 5, 5})}));
  EXPECT_THROW(AvgPool2d(Zeros({1, 1, 4, 4}), {2, 0, 2}), ValueError);
  EXPECT_THROW(AvgPool2d(Zeros({1, 4, 4}), {2}), ValueError);
}

TEST(AdaptiveAvgPool2d1x1, ValuesAndGradients) {
  Tensor x = Arange(0, 8, 1).reshape({1, 2, 2, 2});
  Tensor y = AdaptiveAvgPool2d1x1(x);
  EXPECT_EQ(y.shape(), (Shape{1, 2, 1, 1}));
  EXPECT_TRUE(AllClose(y, {1.5, 5.5}));
  Reseed(5);
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return AdaptiveAvgPool2d1x1(v[0]); },
                        {RandInput({2, 3, 3, 4})}));
  EXPECT_TRUE(Float32MatchesFloat64([](const Inputs& v) { return AdaptiveAvgPool2d1x1(v[0]); },
                                    {RandInput({2, 3, 3, 4})}));
  EXPECT_THROW(AdaptiveAvgPool2d1x1(Zeros({2, 3})), ValueError);
}

// Normalizes each group of `x` ([N, C, S] row-major) by hand: the oracle.
std::vector<double> NaiveNorm(const std::vector<double>& x, int64_t n, int64_t c, int64_t s,
                              int64_t groups, bool per_channel, const std::vector<double>& w,
                              const std::vector<double>& b, double eps) {
  std::vector<double> y(x.size());
  auto key = [&](int64_t in, int64_t ic) {
    return per_channel ? ic : in * groups + ic / (c / groups);
  };
  const int64_t nk = per_channel ? c : n * groups;
  for (int64_t k = 0; k < nk; ++k) {
    double sum = 0, cnt = 0;
    for (int64_t in = 0; in < n; ++in)
      for (int64_t ic = 0; ic < c; ++ic)
        if (key(in, ic) == k)
          for (int64_t is = 0; is < s; ++is) sum += x[(in * c + ic) * s + is], ++cnt;
    const double mean = sum / cnt;
    double var = 0;
    for (int64_t in = 0; in < n; ++in)
      for (int64_t ic = 0; ic < c; ++ic)
        if (key(in, ic) == k)
          for (int64_t is = 0; is < s; ++is) {
            const double d = x[(in * c + ic) * s + is] - mean;
            var += d * d;
          }
    var /= cnt;
    for (int64_t in = 0; in < n; ++in)
      for (int64_t ic = 0; ic < c; ++ic)
        if (key(in, ic) == k)
          for (int64_t is = 0; is < s; ++is) {
            const int64_t q = (in * c + ic) * s + is;
            y[q] = (x[q] - mean) / std::sqrt(var + eps) * w[ic] + b[ic];
          }
  }
  return y;
}

TEST(GroupNorm, ForwardMatchesDirectFormula) {
  Reseed(6);
  Tensor x = RandInput({2, 6, 3, 2}, -2, 3), w = RandInput({6}), b = RandInput({6});
  Tensor y = GroupNorm(x, 3, w, b, 1e-5);
  EXPECT_TRUE(AllClose(y, NaiveNorm(ToVector(x), 2, 6, 6, 3, false, ToVector(w), ToVector(b), 1e-5),
                       1e-12));
}

TEST(GroupNorm, Gradients) {
  Reseed(7);
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return GroupNorm(v[0], 2, v[1], v[2], 1e-5); },
                        {RandInput({2, 4, 3, 3}), RandInput({4}), RandInput({4})}));
  // No affine parameters, 3-D input [N, C, L], one group (LayerNorm-like).
  EXPECT_TRUE(
      GradCheck([](const Inputs& v) { return GroupNorm(v[0], 1, Tensor(), Tensor(), 1e-5); },
                {RandInput({3, 2, 4})}));
  EXPECT_TRUE(
      Float32MatchesFloat64([](const Inputs& v) { return GroupNorm(v[0], 2, v[1], v[2], 1e-5); },
                            {RandInput({2, 4, 3, 3}), RandInput({4}), RandInput({4})}));
}

TEST(GroupNorm, BadInput) {
  EXPECT_THAT(
      [] {
        GroupNorm(Zeros({2, 6, 3}), 4, Tensor(), Tensor());
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("num_groups")));
  EXPECT_THAT(
      [] {
        GroupNorm(Zeros({2, 6, 3}), 3, Zeros({5}), Tensor());
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("weight must have shape [6]")));
  EXPECT_THROW(GroupNorm(Zeros({6}), 3, Tensor(), Tensor()), ValueError);
}

TEST(BatchNorm, TrainingForwardAndRunningStats) {
  Reseed(8);
  Tensor x = RandInput({4, 3, 2, 2}, -1, 2), w = RandInput({3}), b = RandInput({3});
  Tensor rm = FromVector({0.1, 0.2, 0.3}, {3}), rv = FromVector({1.0, 2.0, 0.5}, {3});
  Tensor y = BatchNorm(x, rm, rv, w, b, {true, 0.1, 1e-5});
  EXPECT_TRUE(
      AllClose(y, NaiveNorm(ToVector(x), 4, 3, 4, 1, true, ToVector(w), ToVector(b), 1e-5), 1e-12));
  // Running stats: (1 - m) old + m * batch stat, unbiased variance (M = 16).
  const std::vector<double> xv = ToVector(x);
  std::vector<double> rm_old = {0.1, 0.2, 0.3}, rv_old = {1.0, 2.0, 0.5};
  for (int64_t c = 0; c < 3; ++c) {
    double s = 0, ss = 0;
    for (int64_t n = 0; n < 4; ++n)
      for (int64_t q = 0; q < 4; ++q) s += xv[(n * 3 + c) * 4 + q];
    const double mean = s / 16;
    for (int64_t n = 0; n < 4; ++n)
      for (int64_t q = 0; q < 4; ++q) {
        const double d = xv[(n * 3 + c) * 4 + q] - mean;
        ss += d * d;
      }
    EXPECT_NEAR(ToVector(rm)[c], 0.9 * rm_old[c] + 0.1 * mean, 1e-14);
    EXPECT_NEAR(ToVector(rv)[c], 0.9 * rv_old[c] + 0.1 * ss / 15, 1e-14);
  }
}

TEST(BatchNorm, EvalUsesRunningStats) {
  Tensor x = FromVector({1, 2, 3, 4}, {2, 2, 1, 1});
  Tensor rm = FromVector({1.0, -1.0}, {2}), rv = FromVector({4.0, 0.25}, {2});
  Tensor w = FromVector({2.0, 1.0}, {2}), b = FromVector({0.5, 0.0}, {2});
  Tensor y = BatchNorm(x, rm, rv, w, b, {false, 0.1, 1e-5});
  auto f = [](double v, double m, double var, double ww, double bb) {
    return (v - m) / std::sqrt(var + 1e-5) * ww + bb;
  };
  EXPECT_TRUE(AllClose(
      y, {f(1, 1, 4, 2, .5), f(2, -1, .25, 1, 0), f(3, 1, 4, 2, .5), f(4, -1, .25, 1, 0)}, 1e-14));
  EXPECT_TRUE(AllClose(rm, {1.0, -1.0}, 0.0));  // eval does not update
}

TEST(BatchNorm, Gradients) {
  Reseed(9);
  // Training (batch statistics), with running stats being updated.
  Tensor rm = Zeros({3}), rv = Ones({3});
  EXPECT_TRUE(GradCheck(
      [&](const Inputs& v) {
        return BatchNorm(v[0], rm, rv, v[1], v[2], {true, 0.1, 1e-5});
      },
      {RandInput({3, 3, 2, 2}), RandInput({3}), RandInput({3})}));
  // Eval (fixed statistics).
  Tensor rm2 = RandInput({3}), rv2 = RandInput({3}, 0.5, 2.0);
  EXPECT_TRUE(GradCheck(
      [&](const Inputs& v) {
        return BatchNorm(v[0], rm2, rv2, v[1], v[2], {false, 0.1, 1e-5});
      },
      {RandInput({2, 3, 2, 2}), RandInput({3}), RandInput({3})}));
  // 2-D input [N, C] without affine parameters or running stats.
  EXPECT_TRUE(GradCheck(
      [](const Inputs& v) {
        return BatchNorm(v[0], Tensor(), Tensor(), Tensor(), Tensor(), {true, 0.1, 1e-5});
      },
      {RandInput({5, 3})}));
  EXPECT_TRUE(Float32MatchesFloat64(
      [](const Inputs& v) {
        return BatchNorm(v[0], Tensor(), Tensor(), v[1], v[2], {true, 0.1, 1e-5});
      },
      {RandInput({3, 3, 2, 2}), RandInput({3}), RandInput({3})}));
}

TEST(BatchNorm, BadInput) {
  EXPECT_THAT(
      [] {
        BatchNorm(Zeros({1, 3, 1, 1}), Zeros({3}), Ones({3}), Tensor(), Tensor());
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("more than 1 value per channel")));
  EXPECT_THAT(
      [] {
        BatchNorm(Zeros({2, 3, 2, 2}), Zeros({4}), Ones({3}), Tensor(), Tensor());
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("running_mean must have shape [3]")));
  EXPECT_THROW(BatchNorm(Zeros({2, 3}), Zeros({3}), Tensor(), Tensor(), Tensor()), ValueError);
}

TEST(LogSoftmax, ValuesAndGradients) {
  Tensor x = FromVector({1, 2, 3, 1000, 1000, 1000}, {2, 3});
  const double lse = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  // Rows with huge equal values are stable: log(1/3) each.
  EXPECT_TRUE(AllClose(LogSoftmax(x, 1),
                       {1 - lse, 2 - lse, 3 - lse, -std::log(3.0), -std::log(3.0), -std::log(3.0)},
                       1e-12));
  Reseed(10);
  for (int64_t dim : {0, 1, -1}) {
    EXPECT_TRUE(GradCheck([dim](const Inputs& v) { return LogSoftmax(v[0], dim); },
                          {RandInput({3, 4, 2}, -2, 2)}))
        << "dim " << dim;
  }
  EXPECT_TRUE(Float32MatchesFloat64([](const Inputs& v) { return LogSoftmax(v[0], 1); },
                                    {RandInput({3, 5})}));
  EXPECT_THROW(LogSoftmax(Zeros({2, 3}), 2), ValueError);
}

TEST(CrossEntropy, ValueByHand) {
  Tensor logits = FromVector({1, 2, 3, 1, 0, -1}, {2, 3});
  const double l0 = -3 + std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  const double l1 = -1 + std::log(std::exp(1.0) + std::exp(0.0) + std::exp(-1.0));
  EXPECT_NEAR(CrossEntropy(logits, std::vector<int64_t>{2, 0}).item(), (l0 + l1) / 2, 1e-14);
  EXPECT_NEAR(CrossEntropy(logits, std::vector<int64_t>{2, 0}, Reduction::kSum).item(), l0 + l1,
              1e-14);
  EXPECT_NEAR(CrossEntropy(logits, FromVector({2, 0}, {2})).item(), (l0 + l1) / 2, 1e-14);
}

TEST(CrossEntropy, GradientsAndErrors) {
  Reseed(11);
  const std::vector<int64_t> labels = {0, 3, 2, 3};
  EXPECT_TRUE(GradCheck([&](const Inputs& v) { return CrossEntropy(v[0], labels); },
                        {RandInput({4, 5}, -2, 2)}));
  EXPECT_TRUE(
      GradCheck([&](const Inputs& v) { return CrossEntropy(v[0], labels, Reduction::kSum); },
                {RandInput({4, 5}, -2, 2)}));
  EXPECT_TRUE(Float32MatchesFloat64([&](const Inputs& v) { return CrossEntropy(v[0], labels); },
                                    {RandInput({4, 5}, -2, 2)}));
  EXPECT_THAT(
      [] {
        CrossEntropy(Zeros({2, 3}), std::vector<int64_t>{0, 3});
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("label 3 at index 1")));
  EXPECT_THAT(
      [] {
        CrossEntropy(Zeros({2, 3}), std::vector<int64_t>{0});
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("1 labels for 2 rows")));
  EXPECT_THAT(
      [] {
        CrossEntropy(Zeros({2, 3}), FromVector({0, 1.5}, {2}));
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("not an integer")));
  EXPECT_THROW(CrossEntropy(Zeros({2, 3, 1}), std::vector<int64_t>{0, 1}), ValueError);
}

TEST(MseLoss, ValuesGradientsAndErrors) {
  Tensor a = FromVector({1, 2, 3}, {3}), b = FromVector({0, 2, 5}, {3});
  EXPECT_NEAR(MseLoss(a, b).item(), (1 + 0 + 4) / 3.0, 1e-15);
  EXPECT_NEAR(MseLoss(a, b, Reduction::kSum).item(), 5.0, 1e-15);
  Reseed(12);
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return MseLoss(v[0], v[1]); },
                        {RandInput({3, 4}), RandInput({3, 4})}));
  EXPECT_TRUE(Float32MatchesFloat64([](const Inputs& v) { return MseLoss(v[0], v[1]); },
                                    {RandInput({3, 4}), RandInput({3, 4})}));
  EXPECT_THAT(
      [] {
        MseLoss(Zeros({3}), Zeros({3, 1}));
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("differs from target shape")));
  EXPECT_THROW(MseLoss(Zeros({3}), Zeros({3}, DType::kFloat32)), ValueError);
}

TEST(LinearOp, ValuesGradientsAndErrors) {
  Tensor x = FromVector({1, 2, 3, 4}, {2, 2});
  Tensor w = FromVector({1, 0, 1, 1, 2, -1}, {3, 2});
  Tensor b = FromVector({0.5, 0, -1}, {3});
  EXPECT_TRUE(AllClose(Linear(x, w, b), {1.5, 3, -1, 3.5, 7, 1}));
  Reseed(13);
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Linear(v[0], v[1], v[2]); },
                        {RandInput({4, 3}), RandInput({5, 3}), RandInput({5})}));
  // Leading batch dims, no bias.
  EXPECT_TRUE(GradCheck([](const Inputs& v) { return Linear(v[0], v[1], Tensor()); },
                        {RandInput({2, 3, 3}), RandInput({2, 3})}));
  EXPECT_TRUE(Float32MatchesFloat64([](const Inputs& v) { return Linear(v[0], v[1], v[2]); },
                                    {RandInput({4, 3}), RandInput({5, 3}), RandInput({5})}));
  EXPECT_THAT(
      [] {
        Linear(Zeros({2, 4}), Zeros({3, 2}), Tensor());
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("in_features")));
  EXPECT_THAT(
      [] {
        Linear(Zeros({2, 2}), Zeros({3, 2}), Zeros({2}));
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("bias must have shape [3]")));
}

// The fused op against its composition: bitwise equal values and gradients (the same
// kernels in the same order), and its own finite-difference check.
TEST(LinearActivationOp, EqualsLinearThenActivationBitwise) {
  Reseed(14);
  for (DType dtype : {DType::kFloat64, DType::kFloat32}) {
    for (cpu::Activation act : {cpu::Activation::kTanh, cpu::Activation::kRelu}) {
      for (bool with_bias : {true, false}) {
        const Tensor x0 = RandInput({37, 5}).to(dtype), w0 = RandInput({19, 5}).to(dtype);
        const Tensor b0 = with_bias ? RandInput({19}).to(dtype) : Tensor();
        auto leaf = [](const Tensor& t) {
          return t.defined() ? t.detach().clone().set_requires_grad(true) : Tensor();
        };
        Tensor x1 = leaf(x0), w1 = leaf(w0), b1 = leaf(b0);
        Tensor x2 = leaf(x0), w2 = leaf(w0), b2 = leaf(b0);
        const Tensor fused = LinearActivation(x1, w1, b1, act);
        const Tensor pre = Linear(x2, w2, b2);
        const Tensor plain = act == cpu::Activation::kTanh ? Tanh(pre) : Relu(pre);
        EXPECT_EQ(ToVector(fused), ToVector(plain));
        const Tensor g = RandInput(fused.shape()).to(dtype);
        fused.backward(g);
        plain.backward(g);
        EXPECT_EQ(ToVector(x1.grad()), ToVector(x2.grad()));
        EXPECT_EQ(ToVector(w1.grad()), ToVector(w2.grad()));
        if (with_bias) {
          EXPECT_EQ(ToVector(b1.grad()), ToVector(b2.grad()));
        }
      }
    }
  }
  EXPECT_TRUE(GradCheck(
      [](const Inputs& v) { return LinearActivation(v[0], v[1], v[2], cpu::Activation::kTanh); },
      {RandInput({4, 3}), RandInput({5, 3}), RandInput({5})}));
  EXPECT_THAT(
      [] {
        LinearActivation(Zeros({2, 4}), Zeros({3, 2}), Tensor(), cpu::Activation::kTanh);
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("in_features")));
}

}  // namespace
}  // namespace acaode
