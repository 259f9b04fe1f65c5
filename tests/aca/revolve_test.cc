// Revolve's closed-form cost and bisection split (aca/revolve.h) against the defining
// recursion, evaluated by brute force.
#include "aca/revolve.h"

#include <cstdint>

#include "gtest/gtest.h"
#include "tests/aca/revolve_oracle.h"

namespace acaode {
namespace aca {
namespace {

using testing::BruteRevolve;

TEST(RevolveTest, CostMatchesTheRecursion) {
  BruteRevolve brute;
  for (int64_t s = 0; s <= 8; ++s) {
    for (int64_t l = 0; l <= 120; ++l) {
      ASSERT_EQ(RevolveCost(l, s), brute(l, s)) << "L = " << l << ", s = " << s;
    }
  }
}

TEST(RevolveTest, SplitAttainsTheMinimum) {
  BruteRevolve brute;
  for (int64_t s = 1; s <= 8; ++s) {
    for (int64_t l = 2; l <= 120; ++l) {
      const int64_t m = RevolveSplit(l, s);
      ASSERT_GE(m, 1);
      ASSERT_LT(m, l);
      EXPECT_EQ(m + brute(l - m, s - 1) + brute(m, s), brute(l, s))
          << "L = " << l << ", s = " << s << ", m = " << m;
    }
  }
}

TEST(RevolveTest, KnownValuesAndLargeArguments) {
  // Enough slots: every state recomputed once.
  EXPECT_EQ(RevolveCost(100, 99), 99);
  EXPECT_EQ(RevolveCost(100, 1000), 99);
  // One slot, 10 steps: repetition number 3 (β(2, 3) = 10), 3·10 − β(3, 2) = 30 − 10.
  EXPECT_EQ(RevolveCost(10, 1), 20);
  // 10^5 steps, 10^4 slots: r = 2, 2·10^5 − β(10^4 + 2, 1) = 200000 − 10003.
  EXPECT_EQ(RevolveCost(100000, 10000), 189997);
  // No slot: quadratic, no overflow.
  EXPECT_EQ(RevolveCost(1000000000, 0), int64_t{499999999500000000});
  const int64_t m = RevolveSplit(100000, 10000);
  EXPECT_EQ(m + RevolveCost(100000 - m, 9999) + RevolveCost(m, 10000), 189997);
}

}  // namespace
}  // namespace aca
}  // namespace acaode
