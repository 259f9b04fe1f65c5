// Revolve's closed-form cost and bisection split (aca/revolve.h) against the defining
// recursion, evaluated by brute force.
#include "aca/revolve.h"

#include <cstdint>
#include <map>
#include <utility>

#include "gtest/gtest.h"

namespace acaode {
namespace aca {
namespace {

// C(L, s) = min_m m + C(L − m, s − 1) + C(m, s); C(1, s) = 0; C(L, 0) = L(L − 1)/2.
int64_t BruteCost(int64_t l, int64_t s, std::map<std::pair<int64_t, int64_t>, int64_t>* memo) {
  if (l <= 1) return 0;
  if (s == 0) return l * (l - 1) / 2;
  auto it = memo->find({l, s});
  if (it != memo->end()) return it->second;
  int64_t best = INT64_MAX;
  for (int64_t m = 1; m < l; ++m) {
    best = std::min(best, m + BruteCost(l - m, s - 1, memo) + BruteCost(m, s, memo));
  }
  (*memo)[{l, s}] = best;
  return best;
}

TEST(RevolveTest, CostMatchesTheRecursion) {
  std::map<std::pair<int64_t, int64_t>, int64_t> memo;
  for (int64_t s = 0; s <= 8; ++s) {
    for (int64_t l = 0; l <= 120; ++l) {
      ASSERT_EQ(RevolveCost(l, s), BruteCost(l, s, &memo)) << "L = " << l << ", s = " << s;
    }
  }
}

TEST(RevolveTest, SplitAttainsTheMinimum) {
  std::map<std::pair<int64_t, int64_t>, int64_t> memo;
  for (int64_t s = 1; s <= 8; ++s) {
    for (int64_t l = 2; l <= 120; ++l) {
      const int64_t m = RevolveSplit(l, s);
      ASSERT_GE(m, 1);
      ASSERT_LT(m, l);
      EXPECT_EQ(m + BruteCost(l - m, s - 1, &memo) + BruteCost(m, s, &memo),
                BruteCost(l, s, &memo))
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
