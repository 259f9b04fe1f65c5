// Toolchain proof for CUDA: a host launcher for y <- a*x + y on device memory.
//
//   float* x; float* y;  // device pointers, n elements each
//   cudaError_t err = LaunchSaxpy(n, 2.0f, x, y, /*stream=*/nullptr);
//
// Memory: `x` and `y` must be device memory (cudaMalloc) holding `n` floats.
// Where the project was built without a CUDA toolkit, CudaBuildAvailable() is false and
// the launcher is not callable.
#ifndef ACAODE_TESTS_TOOLCHAIN_SAXPY_H_
#define ACAODE_TESTS_TOOLCHAIN_SAXPY_H_

#include <cstdint>

namespace acaode::toolchain {

// True when this binary was compiled with nvcc (the CUDA toolkit was found).
bool CudaBuildAvailable();

// Number of CUDA devices usable by this process, 0 when none (no driver or no GPU);
// `reason` receives the CUDA runtime's explanation when the count is 0.
int CudaDeviceCount(const char** reason);

// y[i] = a * x[i] + y[i] for i < n, computed on the GPU; returns true on success.
bool RunSaxpyOnDevice(int64_t n, float a, const float* host_x, float* host_y, const char** error);

}  // namespace acaode::toolchain

#endif  // ACAODE_TESTS_TOOLCHAIN_SAXPY_H_
