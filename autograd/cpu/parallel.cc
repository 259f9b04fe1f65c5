#include "autograd/cpu/parallel.h"

#define EIGEN_USE_THREADS
#include <pthread.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <unsupported/Eigen/CXX11/ThreadPool>

#include "autograd/error.h"

namespace acaode {
namespace {

int DefaultThreads() {
  if (const char* env = std::getenv("ACAODE_NUM_THREADS")) {
    const int n = std::atoi(env);
    if (n > 0) return n;
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

struct PoolState {
  std::mutex mu;
  int num_threads = DefaultThreads();
  std::unique_ptr<Eigen::ThreadPool> pool;  // num_threads - 1 workers
};

PoolState& State();

// In a child of fork() the pool's worker threads do not exist: drop (leak)
// the pool so the next parallel op starts a fresh one, and reset the mutex,
// which a vanished thread may have held.
void ResetAfterFork() {
  PoolState& s = State();
  (void)s.pool.release();
  new (&s.mu) std::mutex();
}

PoolState& State() {
  // Leaked on purpose: worker threads must outlive static destructors of
  // code that may still run ops at exit.
  static PoolState* state = [] {
    pthread_atfork(nullptr, nullptr, &ResetAfterFork);
    return new PoolState();
  }();
  return *state;
}

Eigen::ThreadPool* Pool(int num_threads) {
  PoolState& s = State();
  std::lock_guard<std::mutex> lock(s.mu);
  if (!s.pool || s.pool->NumThreads() != num_threads - 1) {
    s.pool = std::make_unique<Eigen::ThreadPool>(num_threads - 1);
  }
  return s.pool.get();
}

thread_local bool tls_in_parallel = false;

}  // namespace

int NumThreads() { return State().num_threads; }

void SetNumThreads(int n) {
  if (n < 1) {
    throw ValueError("SetNumThreads: need n >= 1, got " + std::to_string(n));
  }
  PoolState& s = State();
  std::lock_guard<std::mutex> lock(s.mu);
  s.num_threads = n;
  s.pool.reset();
}

namespace cpu {

void ParallelFor(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  const int threads = NumThreads();
  grain = std::max<int64_t>(grain, 1);
  const int64_t chunks = std::min<int64_t>(threads, (n + grain - 1) / grain);
  if (chunks <= 1 || tls_in_parallel) {
    fn(0, n);
    return;
  }
  Eigen::ThreadPool* pool = Pool(threads);
  const int64_t step = (n + chunks - 1) / chunks;
  Eigen::Barrier barrier(static_cast<unsigned int>(chunks - 1));
  for (int64_t c = 1; c < chunks; ++c) {
    const int64_t begin = c * step;
    const int64_t end = std::min(n, begin + step);
    pool->Schedule([&fn, &barrier, begin, end] {
      tls_in_parallel = true;
      if (begin < end) fn(begin, end);
      tls_in_parallel = false;
      barrier.Notify();
    });
  }
  tls_in_parallel = true;
  fn(0, std::min(n, step));
  tls_in_parallel = false;
  barrier.Wait();
}

}  // namespace cpu
}  // namespace acaode
