// Helpers shared by the .cu files: launch configuration and error checks.
// Device code only includes this (nvcc); host code uses runtime.h.
#ifndef ACAODE_AUTOGRAD_CUDA_LAUNCH_CUH_
#define ACAODE_AUTOGRAD_CUDA_LAUNCH_CUH_

#include <cuda_runtime.h>

#include <cstdint>

#include "autograd/cuda/index.h"
#include "autograd/cuda/runtime.h"

namespace acaode {
namespace cuda {

constexpr int kThreads = 256;

// Grid-stride loop over [0, n).
#define ACAODE_GRID_LOOP(i, n)                                                           \
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < (n); \
       i += static_cast<int64_t>(blockDim.x) * gridDim.x)

inline unsigned GridFor(int64_t n) { return static_cast<unsigned>(BlocksFor(n, kThreads)); }

// Throws RuntimeError when the last launch failed (bad configuration, no
// device, a fault of an earlier asynchronous kernel).
inline void CheckLaunch(const char* what) { Check(static_cast<int>(cudaGetLastError()), what); }

// Block-wide sum of a double per thread (blockDim.x == kThreads); the result
// is valid in thread 0.
__device__ __forceinline__ double BlockSum(double v) {
  __shared__ double shared[kThreads / 32];
  for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  v = threadIdx.x < kThreads / 32 ? shared[threadIdx.x] : 0.0;
  if (warp == 0) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  }
  __syncthreads();  // shared may be reused by the caller's next BlockSum
  return v;
}

}  // namespace cuda
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CUDA_LAUNCH_CUH_
