// Proves the CUDA toolchain: the kernel is compiled by nvcc and linked with cudart on every
// machine that has the toolkit; it runs (and its result is checked) where a GPU is present,
// and the test skips with the CUDA runtime's reason elsewhere.
#include <vector>

#include "gtest/gtest.h"
#include "tests/toolchain/saxpy.h"

namespace acaode::toolchain {
namespace {

TEST(CudaToolchainTest, SaxpyMatchesHostComputation) {
  if (!CudaBuildAvailable()) GTEST_SKIP() << "built without the CUDA toolkit";
  const char* reason = "";
  if (CudaDeviceCount(&reason) == 0) GTEST_SKIP() << "no CUDA device: " << reason;

  const int64_t n = 100003;  // not a multiple of the block size
  std::vector<float> x(n), y(n), expected(n);
  for (int64_t i = 0; i < n; ++i) {
    x[i] = 0.5f * static_cast<float>(i % 97);
    y[i] = 1.0f - static_cast<float>(i % 13);
    expected[i] = 3.0f * x[i] + y[i];
  }
  const char* error = "";
  ASSERT_TRUE(RunSaxpyOnDevice(n, 3.0f, x.data(), y.data(), &error)) << error;
  for (int64_t i = 0; i < n; ++i) ASSERT_FLOAT_EQ(y[i], expected[i]) << "at i = " << i;
}

}  // namespace
}  // namespace acaode::toolchain
