// Binomial checkpointing (revolve; Griewank, "Achieving logarithmic growth of temporal and
// spatial complexity in reverse automatic differentiation", 1992; Griewank & Walther,
// "Algorithm 799: revolve", ACM TOMS 2000): how to reverse a chain of steps when only a
// few states can be held.
//
//   // Reverse steps 1..L, holding the start state z_0 and at most s more states:
//   int64_t m = RevolveSplit(L, s);      // advance m steps from z_0 and keep z_m, then
//                                        // reverse m+1..L with s − 1 slots, then 1..m with s
//   int64_t cost = RevolveCost(L, s);    // forward steps recomputed in all, minimal
//
// Note [Revolve cost]: with C(L, s) the fewest recomputed steps (the reverse sweep's own
// replays of each step not counted),
//   C(1, s) = 0,   C(L, 0) = L(L − 1)/2   (advance from z_0 to every z_{i−1} again),
//   C(L, s) = min_{1 ≤ m < L} m + C(L − m, s − 1) + C(m, s),
// and the minimum has the closed form C(L, s) = r·L − β(s + 2, r − 1), where
// β(a, r) = (a + r)! / (a! r!) and r, the repetition number, is the least r with
// β(s + 1, r) ≥ L (Griewank's t(l, s) with his s counting the start state too). m ↦
// m + C(L − m, s − 1) + C(m, s) is convex, so the best split is found by bisection on its
// differences. tests/aca/revolve_test.cc checks both against the recursion, by brute force.
#ifndef ACAODE_ACA_REVOLVE_H_
#define ACAODE_ACA_REVOLVE_H_

#include <cstdint>

namespace acaode {
namespace aca {

// C(L, s) of Note [Revolve cost]; L ≥ 0 steps, s ≥ 0 free slots. Saturates at INT64_MAX.
int64_t RevolveCost(int64_t steps, int64_t free_slots);

// An m in [1, L − 1] attaining C(L, s) (the smallest such); L ≥ 2, s ≥ 1.
int64_t RevolveSplit(int64_t steps, int64_t free_slots);

}  // namespace aca
}  // namespace acaode

#endif  // ACAODE_ACA_REVOLVE_H_
