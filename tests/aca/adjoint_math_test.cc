// The backward passes' small helpers (aca/internal/adjoint_math.h) against values worked by
// hand: the replay statistic's running max, NaN included, and the zero test.
#include "aca/internal/adjoint_math.h"

#include <cmath>

#include "autograd/creation.h"
#include "gtest/gtest.h"

namespace acaode::aca::detail {
namespace {

TEST(AdjointMathTest, MaxAbsDiffIsTheLargestElementwiseGap) {
  const Tensor a = FromVector({1.0, -2.0, 3.0}, {3});
  const Tensor b = FromVector({1.5, 2.0, 3.0}, {3});
  EXPECT_EQ(MaxAbsDiff(a, b), 4.0);
  EXPECT_EQ(MaxAbsDiff(a.to(DType::kFloat32), b.to(DType::kFloat32)), 4.0);
  // NaN anywhere, even before a larger gap, is the answer.
  const Tensor c = FromVector({std::nan(""), 10.0, 3.0}, {3});
  EXPECT_TRUE(std::isnan(MaxAbsDiff(c, b)));
}

TEST(AdjointMathTest, AccumulatorKeepsTheMaxOverPairsAndPropagatesNaN) {
  MaxAbsDiffAccumulator diff;
  EXPECT_EQ(diff.Value(), 0.0);
  diff.Add(FromVector({1.0, 2.0}, {2}), FromVector({1.25, 2.0}, {2}));
  diff.Add(FromVector({0.0}, {1}), FromVector({0.125}, {1}));
  EXPECT_EQ(diff.Value(), 0.25);
  diff.Add(FromVector({std::nan("")}, {1}), FromVector({0.0}, {1}));
  diff.Add(FromVector({100.0}, {1}), FromVector({0.0}, {1}));
  EXPECT_TRUE(std::isnan(diff.Value()));
}

TEST(AdjointMathTest, MaxOrNaNKeepsNaNOnEitherSide) {
  EXPECT_EQ(MaxOrNaN(1.0, 2.0), 2.0);
  EXPECT_TRUE(std::isnan(MaxOrNaN(1.0, std::nan(""))));
  EXPECT_TRUE(std::isnan(MaxOrNaN(std::nan(""), 1.0)));
}

TEST(AdjointMathTest, AllZeroRejectsNaNAndInf) {
  EXPECT_TRUE(AllZero(FromVector({0.0, -0.0}, {2})));
  EXPECT_FALSE(AllZero(FromVector({0.0, 1e-300}, {2})));
  EXPECT_FALSE(AllZero(FromVector({std::nan("")}, {1})));
  EXPECT_FALSE(AllZero(FromVector({INFINITY}, {1})));
}

}  // namespace
}  // namespace acaode::aca::detail
