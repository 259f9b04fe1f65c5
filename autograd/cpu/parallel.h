// Intra-op parallelism for CPU kernels on one process-wide thread pool
// (Eigen's ThreadPool).
//
//   cpu::ParallelFor(n, /*grain=*/1 << 15, [&](int64_t begin, int64_t end) {
//     for (int64_t i = begin; i < end; ++i) y[i] = f(x[i]);
//   });
//   SetNumThreads(1);   // e.g. to compare with PyTorch at torch.set_num_threads(1)
//
// The range is cut into at most NumThreads() contiguous chunks of at least
// `grain` iterations; the calling thread runs the first chunk and waits for
// the others. Small ranges (n <= grain), a pool of one thread, and calls
// made from inside a parallel region run inline, so kernels may call
// ParallelFor freely. `fn` must not throw (kernels are plain loops).
#ifndef ACAODE_AUTOGRAD_CPU_PARALLEL_H_
#define ACAODE_AUTOGRAD_CPU_PARALLEL_H_

#include <cstdint>
#include <functional>

namespace acaode {

// Threads used by one op (default: the ACAODE_NUM_THREADS environment
// variable if set to a positive integer, else the hardware concurrency).
int NumThreads();
// Sets the thread count (>= 1; ValueError otherwise). Not to be called while
// ops run on other threads.
void SetNumThreads(int n);

namespace cpu {

// Elementwise loops below this many elements run on one thread.
constexpr int64_t kElementwiseGrain = int64_t{1} << 16;

void ParallelFor(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

}  // namespace cpu
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CPU_PARALLEL_H_
