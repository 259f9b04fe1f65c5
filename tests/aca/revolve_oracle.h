// Revolve's recursion evaluated by brute force: the independent oracle for aca/revolve.h
// and for the recompute counts of ACA's binomial checkpointing (Note [Revolve cost]).
#ifndef ACAODE_TESTS_ACA_REVOLVE_ORACLE_H_
#define ACAODE_TESTS_ACA_REVOLVE_ORACLE_H_

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>

namespace acaode {
namespace aca {
namespace testing {

// C(L, s) = min_m m + C(L − m, s − 1) + C(m, s); C(1, s) = 0; C(L, 0) = L(L − 1)/2.
class BruteRevolve {
 public:
  int64_t operator()(int64_t l, int64_t s) {
    if (l <= 1) return 0;
    if (s == 0) return l * (l - 1) / 2;
    auto it = memo_.find({l, s});
    if (it != memo_.end()) return it->second;
    int64_t best = INT64_MAX;
    for (int64_t m = 1; m < l; ++m) {
      best = std::min(best, m + (*this)(l - m, s - 1) + (*this)(m, s));
    }
    return memo_[{l, s}] = best;
  }

 private:
  std::map<std::pair<int64_t, int64_t>, int64_t> memo_;
};

}  // namespace testing
}  // namespace aca
}  // namespace acaode

#endif  // ACAODE_TESTS_ACA_REVOLVE_ORACLE_H_
