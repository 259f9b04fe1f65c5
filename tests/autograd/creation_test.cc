// Creation functions and the seeded Generator.
#include <cmath>
#include <cstdint>

#include "autograd/autograd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/autograd/grad_check.h"

namespace acaode {
namespace {

using ::acaode::testing::AllClose;
using ::testing::HasSubstr;

TEST(Constants, Values) {
  EXPECT_TRUE(AllClose(Zeros({2, 2}), {0, 0, 0, 0}));
  EXPECT_TRUE(AllClose(Ones({3}, DType::kFloat32), {1, 1, 1}));
  EXPECT_TRUE(AllClose(Full({2}, -2.5), {-2.5, -2.5}));
  EXPECT_EQ(Scalar(4.0).dim(), 0);
  EXPECT_EQ(Scalar(4.0).item(), 4.0);
  const Tensor t = Full({2, 3}, 1.0, DType::kFloat32);
  EXPECT_EQ(ZerosLike(t).dtype(), DType::kFloat32);
  EXPECT_EQ(OnesLike(t).shape(), (Shape{2, 3}));
  EXPECT_EQ(ZerosLike(t).device(), Device::kCpu);
  EXPECT_TRUE(AllClose(FullLike(Zeros({2}), 7.0), {7, 7}));
  EXPECT_TRUE(AllClose(OnesLike(Zeros({2})), {1, 1}));
  EXPECT_FALSE(Ones({2}).requires_grad());
  const double raw[] = {1.5, 2.5};
  EXPECT_TRUE(AllClose(FromData(raw, {2}), {1.5, 2.5}));
  const float rawf[] = {1.5f, 2.5f};
  EXPECT_EQ(FromData(rawf, {2}).dtype(), DType::kFloat32);
}

TEST(Constants, Errors) {
  EXPECT_THAT(
      [] {
        FromVector({1, 2, 3}, {2, 2});
      },
      ::testing::ThrowsMessage<ValueError>(
          HasSubstr("FromVector: 3 values for shape [2, 2] (4 elements)")));
  EXPECT_THAT(
      [] {
        Zeros({2, -1});
      },
      ::testing::ThrowsMessage<ValueError>(HasSubstr("negative size in shape [2, -1]")));
  EXPECT_THAT([] { FullLike(Tensor(), 1.0); },
              ::testing::ThrowsMessage<ValueError>(HasSubstr("FullLike: tensor is undefined")));
}

TEST(Ranges, Arange) {
  EXPECT_TRUE(AllClose(Arange(0, 5, 1), {0, 1, 2, 3, 4}));
  EXPECT_TRUE(AllClose(Arange(1, 2, 0.25), {1, 1.25, 1.5, 1.75}));
  EXPECT_TRUE(AllClose(Arange(3, 0, -1), {3, 2, 1}));
  EXPECT_EQ(Arange(0, 0, 1).numel(), 0);
  EXPECT_EQ(Arange(2, 1, 1).numel(), 0);
  EXPECT_THROW(Arange(0, 1, 0), ValueError);
}

TEST(Ranges, Linspace) {
  EXPECT_TRUE(AllClose(Linspace(0, 1, 5), {0, 0.25, 0.5, 0.75, 1}));
  EXPECT_TRUE(AllClose(Linspace(2, -2, 3), {2, 0, -2}));
  EXPECT_TRUE(AllClose(Linspace(3, 7, 1), {3}));
  // End point exact even when the step is not representable.
  const std::vector<double> v = ToVector(Linspace(0.0, 0.3, 7));
  EXPECT_EQ(v.back(), 0.3);
  EXPECT_EQ(v.front(), 0.0);
  for (size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(v[i], 0.05 * i, 1e-16);
  EXPECT_THROW(Linspace(0, 1, 0), ValueError);
}

TEST(Generator, FixedSeedGivesFixedValues) {
  // Reference values from an independent Python implementation of
  // splitmix64 seeding + xoshiro256** + Box-Muller.
  Generator gen(42);
  EXPECT_EQ(gen.NextU64(), 0x15780b2e0c2ec716ull);
  EXPECT_EQ(gen.NextU64(), 0x6104d9866d113a7eull);
  EXPECT_EQ(gen.NextU64(), 0xae17533239e499a1ull);
  Generator g2(42);
  EXPECT_DOUBLE_EQ(g2.NextUniform(), 0.08386297105988216);
  EXPECT_DOUBLE_EQ(g2.NextUniform(), 0.3789802506626686);
  Generator g3(42);
  EXPECT_NEAR(g3.NextNormal(), -0.303263064678738, 1e-15);
  EXPECT_NEAR(g3.NextNormal(), 0.28846173882942383, 1e-15);
}

TEST(Generator, ReproducibleTensorsAndFloat32IsRoundedFloat64) {
  Generator a(7), b(7), c(7), d(8);
  const Tensor x = RandNormal({100}, 1.0, 2.0, a);
  const Tensor y = RandNormal({100}, 1.0, 2.0, b);
  EXPECT_EQ(ToVector(x), ToVector(y));
  const Tensor z = RandNormal({100}, 1.0, 2.0, c, DType::kFloat32);
  const std::vector<double> xv = ToVector(x), zv = ToVector(z);
  for (size_t i = 0; i < xv.size(); ++i)
    EXPECT_EQ(zv[i], static_cast<double>(static_cast<float>(xv[i])));
  EXPECT_NE(ToVector(RandNormal({100}, 1.0, 2.0, d)), ToVector(x));
}

TEST(Generator, NormalMomentsOf1e5Samples) {
  Generator gen(123);
  const int n = 100000;
  const std::vector<double> v = ToVector(RandNormal({n}, 3.0, 2.0, gen));
  double mean = 0, var = 0;
  for (double s : v) mean += s;
  mean /= n;
  for (double s : v) var += (s - mean) * (s - mean);
  const double std = std::sqrt(var / (n - 1));
  // Standard errors: 2 / sqrt(n) = 0.0063 for the mean, ~0.0045 for std;
  // the bounds are about 5 standard errors.
  EXPECT_NEAR(mean, 3.0, 0.03);
  EXPECT_NEAR(std, 2.0, 0.025);
}

TEST(Generator, UniformRangeAndMoments) {
  Generator gen(5);
  const std::vector<double> v = ToVector(RandUniform({100000}, -1.0, 3.0, gen));
  double mean = 0, lo = 1e9, hi = -1e9;
  for (double s : v) {
    mean += s;
    lo = std::min(lo, s);
    hi = std::max(hi, s);
  }
  mean /= v.size();
  EXPECT_GE(lo, -1.0);
  EXPECT_LT(hi, 3.0);
  EXPECT_NEAR(mean, 1.0, 0.02);  // sd of the mean: 4/sqrt(12 n) = 0.0037
  EXPECT_THROW(RandUniform({2}, 1.0, 1.0, gen), ValueError);
  EXPECT_THROW(RandNormal({2}, 0.0, -1.0, gen), ValueError);
}

}  // namespace
}  // namespace acaode
