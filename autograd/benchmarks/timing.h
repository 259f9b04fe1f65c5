// Timing for the micro-benchmarks of this folder (benchmarks, not tests).
//
//   double us = bench::TimeUs([&] { kernel(x, y, n); }, /*seconds=*/0.2);
//
// Thread CPU time (unaffected by other processes' load on the other core), the minimum
// over `repeats` of the mean time of one call; each repeat runs about seconds / repeats.
#ifndef ACAODE_AUTOGRAD_BENCHMARKS_TIMING_H_
#define ACAODE_AUTOGRAD_BENCHMARKS_TIMING_H_

#include <time.h>

#include <algorithm>
#include <functional>
#include <vector>

namespace acaode {
namespace bench {

inline double ThreadSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

inline double TimeUs(const std::function<void()>& fn, double seconds, int repeats = 11) {
  for (int i = 0; i < 5; ++i) fn();  // warm up (allocator caches, etc.)
  const double t0 = ThreadSeconds();
  int calib = 0;
  while (ThreadSeconds() - t0 < 0.05) {
    fn();
    ++calib;
  }
  const double per = 0.05 / calib;
  const int iters = std::max(1, static_cast<int>(seconds / repeats / per));
  std::vector<double> us;
  for (int r = 0; r < repeats; ++r) {
    const double a = ThreadSeconds();
    for (int i = 0; i < iters; ++i) fn();
    us.push_back((ThreadSeconds() - a) * 1e6 / iters);
  }
  return *std::min_element(us.begin(), us.end());
}

}  // namespace bench
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_BENCHMARKS_TIMING_H_
