#include "aca/revolve.h"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace acaode {
namespace aca {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// β(a, r) = C(a + r, r), saturated at `cap` (any value above cap is returned as cap + 1).
int64_t Beta(int64_t a, int64_t r, int64_t cap) {
  const int64_t k = std::min(a, r);
  const int64_t n = a + r;
  __int128 result = 1;
  for (int64_t i = 1; i <= k; ++i) {
    // result = C(n − k + i, i), an integer at every step.
    result = result * (n - k + i) / i;
    if (result > cap) return cap + 1;
  }
  return static_cast<int64_t>(result);
}

}  // namespace

int64_t RevolveCost(int64_t steps, int64_t free_slots) {
  const int64_t l = steps, s = free_slots;
  if (l <= 1) return 0;
  if (s == 0) {
    const __int128 c = static_cast<__int128>(l) * (l - 1) / 2;
    return c > kMax ? kMax : static_cast<int64_t>(c);
  }
  if (s >= l - 1) return l - 1;  // every state kept once: r = 1
  // The repetition number r: the least r with β(s + 1, r) ≥ l (r ≥ 2 here).
  int64_t r = 1;
  while (Beta(s + 1, r, l) < l) ++r;
  const __int128 c = static_cast<__int128>(r) * l - Beta(s + 2, r - 1, kMax - 1);
  return c > kMax ? kMax : static_cast<int64_t>(c);
}

int64_t RevolveSplit(int64_t steps, int64_t free_slots) {
  const int64_t l = steps, s = free_slots;
  auto cost = [&](int64_t m) {
    return static_cast<__int128>(m) + RevolveCost(l - m, s - 1) + RevolveCost(m, s);
  };
  // Convex in m (Note [Revolve cost]): the first m whose next difference is ≥ 0.
  int64_t lo = 1, hi = l - 1;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (cost(mid + 1) >= cost(mid)) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

}  // namespace aca
}  // namespace acaode
