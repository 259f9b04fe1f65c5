// CUDA runtime wrapper (built where the toolkit exists; runtime_nocuda.cc
// otherwise). Plain C++ against the CUDA runtime API.
#include "autograd/cuda/runtime.h"

#include <cuda_runtime.h>

#include <mutex>
#include <string>

#include "autograd/error.h"

namespace acaode {
namespace cuda {
namespace {

struct DeviceInfo {
  int count = 0;
  std::string reason;
};

const DeviceInfo& Info() {
  static const DeviceInfo info = [] {
    DeviceInfo d;
    const cudaError_t err = cudaGetDeviceCount(&d.count);
    if (err != cudaSuccess) {
      d.count = 0;
      d.reason = cudaGetErrorString(err);
      cudaGetLastError();  // clear the sticky error state for later calls
    } else if (d.count == 0) {
      d.reason = "cudaGetDeviceCount reported 0 devices";
    }
    return d;
  }();
  return info;
}

}  // namespace

bool BuiltWithCuda() { return true; }

int DeviceCount(std::string* reason) {
  const DeviceInfo& d = Info();
  if (reason != nullptr) *reason = d.reason;
  return d.count;
}

bool IsAvailable() { return Info().count > 0; }

void RequireDevice(const char* what) {
  const DeviceInfo& d = Info();
  if (d.count == 0) {
    throw RuntimeError(std::string(what) + ": no CUDA device: " + d.reason);
  }
}

void Check(int status, const char* what) {
  if (status == cudaSuccess) return;
  const cudaError_t err = static_cast<cudaError_t>(status);
  throw RuntimeError(std::string(what) + ": " + cudaGetErrorString(err) + " (cuda error " +
                     std::to_string(status) + ")");
}

Stream CurrentStream() {
  RequireDevice("cuda stream");
  // Leaked on purpose: tensors with static storage duration may still free
  // device memory (ordered on this stream) during exit.
  static Stream stream = [] {
    cudaStream_t s = nullptr;
    Check(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), "cudaStreamCreate");
    return s;
  }();
  return stream;
}

void Synchronize() { Check(cudaStreamSynchronize(CurrentStream()), "cudaStreamSynchronize"); }

void* Malloc(size_t nbytes) {
  RequireDevice("cuda allocation");
  void* p = nullptr;
  const cudaError_t err = cudaMalloc(&p, nbytes == 0 ? 1 : nbytes);
  if (err == cudaErrorMemoryAllocation) {
    cudaGetLastError();  // not sticky, but clear it anyway
    return nullptr;
  }
  Check(err, "cudaMalloc");
  return p;
}

void Free(void* ptr) {
  if (ptr == nullptr) return;
  Check(cudaFree(ptr), "cudaFree");
}

void CopyBytes(void* dst, Device dst_device, const void* src, Device src_device, size_t nbytes) {
  RequireDevice("cuda copy");
  if (nbytes == 0) return;
  cudaMemcpyKind kind = cudaMemcpyDefault;
  if (dst_device == Device::kCuda && src_device == Device::kCpu) kind = cudaMemcpyHostToDevice;
  if (dst_device == Device::kCpu && src_device == Device::kCuda) kind = cudaMemcpyDeviceToHost;
  if (dst_device == Device::kCuda && src_device == Device::kCuda) kind = cudaMemcpyDeviceToDevice;
  if (dst_device == Device::kCpu && src_device == Device::kCpu) kind = cudaMemcpyHostToHost;
  const Stream s = CurrentStream();
  const auto* d = static_cast<const char*>(dst);
  const auto* from = static_cast<const char*>(src);
  if (kind == cudaMemcpyDeviceToDevice && d < from + nbytes && from < d + nbytes && d != from) {
    // Overlapping ranges (memmove on the CPU): cudaMemcpy's result is undefined there, so
    // the bytes go through a scratch buffer. Rare (an in-place shift); cudaFree waits for it.
    void* scratch = Malloc(nbytes);
    Check(cudaMemcpyAsync(scratch, src, nbytes, kind, s), "cudaMemcpyAsync");
    Check(cudaMemcpyAsync(dst, scratch, nbytes, kind, s), "cudaMemcpyAsync");
    Free(scratch);
    return;
  }
  Check(cudaMemcpyAsync(dst, src, nbytes, kind, s), "cudaMemcpyAsync");
  // Only a copy into host memory waits: the caller reads it next. Device-to-device copies
  // are ordered on the stream like the kernels; from pageable host memory, the call returns
  // once the source has been staged, so the caller may reuse it.
  if (dst_device == Device::kCpu)
    Check(cudaStreamSynchronize(s), "cudaStreamSynchronize after copy");
}

void CopyBlocks2D(void* dst, size_t dst_pitch, const void* src, size_t src_pitch, size_t width,
                  size_t rows) {
  if (width == 0 || rows == 0) return;
  Check(cudaMemcpy2DAsync(dst, dst_pitch, src, src_pitch, width, rows, cudaMemcpyDeviceToDevice,
                          CurrentStream()),
        "cudaMemcpy2DAsync");
}

}  // namespace cuda
}  // namespace acaode
