// Intra-op threading: results with several threads equal the one-thread
// results exactly (each element is computed by the same code either way).
#include "autograd/cpu/parallel.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <vector>

#include "autograd/autograd.h"
#include "gtest/gtest.h"
#include "tests/autograd/grad_check.h"

namespace acaode {
namespace {

using ::acaode::testing::RandInput;

TEST(ParallelFor, CoversTheRangeOnceAndNests) {
  SetNumThreads(4);
  const int64_t n = 1000003;
  std::vector<std::atomic<int>> hits(n);
  cpu::ParallelFor(n, 1000, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) hits[i]++;
    // A nested call runs inline.
    cpu::ParallelFor(10, 1, [&](int64_t, int64_t) {});
  });
  for (int64_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << i;
  EXPECT_THROW(SetNumThreads(0), ValueError);
  SetNumThreads(1);
}

TEST(Threads, WorkAfterForkInTheChild) {
  SetNumThreads(2);
  const Tensor x = RandInput({300000});
  const double expected = Sum(Tanh(x)).item();  // starts the pool
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // Would hang on the parent's (absent) workers without the fork handler.
    const double got = Sum(Tanh(x)).item();
    _exit(got == expected ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  SetNumThreads(1);
}

TEST(Threads, LargeOpsMatchOneThread) {
  const Tensor a = RandInput({300, 257});
  const Tensor b = RandInput({257, 190});
  const Tensor x = RandInput({200000});
  const Tensor y = RandInput({200000});
  auto run = [&] {
    return std::vector<std::vector<double>>{
        ToVector(MatMul(a, b)), ToVector(MatMul(Transpose(b, 0, 1), Transpose(a, 0, 1))),
        ToVector(Tanh(x)),      ToVector(Mul(x, y)),
        ToVector(Relu(x)),      ToVector(LinearCombination(x, {0.5, -2.0}, {y, x}))};
  };
  SetNumThreads(1);
  const auto one = run();
  SetNumThreads(3);
  EXPECT_EQ(NumThreads(), 3);
  const auto three = run();
  SetNumThreads(1);
  ASSERT_EQ(one.size(), three.size());
  for (size_t i = 0; i < one.size(); ++i) EXPECT_EQ(one[i], three[i]) << "result " << i;
}

}  // namespace
}  // namespace acaode
