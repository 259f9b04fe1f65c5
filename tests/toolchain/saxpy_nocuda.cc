// Fallback for builds without a CUDA toolkit (see cuda_library in third_party/cuda/cuda.bzl).
#include "tests/toolchain/saxpy.h"

namespace acaode::toolchain {

bool CudaBuildAvailable() { return false; }

int CudaDeviceCount(const char** reason) {
  *reason = "acaode was built without the CUDA toolkit";
  return 0;
}

bool RunSaxpyOnDevice(int64_t, float, const float*, float*, const char** error) {
  *error = "acaode was built without the CUDA toolkit";
  return false;
}

}  // namespace acaode::toolchain
