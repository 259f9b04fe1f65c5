// CUDA toolchain proof: compiled by nvcc through cuda_library() (third_party/cuda/cuda.bzl).
#include <cuda_runtime.h>

#include "tests/toolchain/saxpy.h"

namespace acaode::toolchain {
namespace {

__global__ void SaxpyKernel(int64_t n, float a, const float* x, float* y) {
  const int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (i < n) y[i] = a * x[i] + y[i];
}

}  // namespace

bool CudaBuildAvailable() { return true; }

int CudaDeviceCount(const char** reason) {
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess) {
    *reason = cudaGetErrorString(err);
    return 0;
  }
  if (count == 0) *reason = "cudaGetDeviceCount reported 0 devices";
  return count;
}

bool RunSaxpyOnDevice(int64_t n, float a, const float* host_x, float* host_y, const char** error) {
  float* x = nullptr;
  float* y = nullptr;
  const size_t bytes = static_cast<size_t>(n) * sizeof(float);
  cudaError_t err = cudaMalloc(&x, bytes);
  if (err == cudaSuccess) err = cudaMalloc(&y, bytes);
  if (err == cudaSuccess) err = cudaMemcpy(x, host_x, bytes, cudaMemcpyHostToDevice);
  if (err == cudaSuccess) err = cudaMemcpy(y, host_y, bytes, cudaMemcpyHostToDevice);
  if (err == cudaSuccess) {
    const int threads = 256;
    const int64_t blocks = (n + threads - 1) / threads;
    SaxpyKernel<<<static_cast<unsigned>(blocks), threads>>>(n, a, x, y);
    err = cudaGetLastError();
  }
  if (err == cudaSuccess) err = cudaMemcpy(host_y, y, bytes, cudaMemcpyDeviceToHost);
  cudaFree(x);
  cudaFree(y);
  if (err != cudaSuccess) *error = cudaGetErrorString(err);
  return err == cudaSuccess;
}

}  // namespace acaode::toolchain
