// The CUDA runtime as acaode uses it: device discovery, the stream every
// launcher runs on, error translation, raw device memory and copies.
//
//   std::string why;
//   if (cuda::DeviceCount(&why) == 0) { ... why says "no CUDA device: ..." ... }
//   cuda::Stream s = cuda::CurrentStream();   // created on first use
//   cuda::CopyBytes(dev_ptr, Device::kCuda, host_ptr, Device::kCpu, n);  // host_ptr free again
//
// Note [CUDA stream order]: every kernel, cuBLAS call and copy of this backend
// runs on one process-wide stream (CurrentStream()). Work is therefore ordered
// without events, the caching allocator may hand a freed block to the next op
// at once (its pending kernels run first), and only device->host copies
// synchronise with the host. Code that wants concurrency across streams must
// add events; the allocator keeps a pool per stream for that reason
// (caching_allocator.h).
//
// None of these functions requires a GPU to be called: without one (no driver,
// no device, or a build without the toolkit) DeviceCount() is 0 with the
// runtime's reason, and everything that would touch a device throws
// acaode::RuntimeError("<what>: no CUDA device: <reason>").
#ifndef ACAODE_AUTOGRAD_CUDA_RUNTIME_H_
#define ACAODE_AUTOGRAD_CUDA_RUNTIME_H_

#include <cstddef>
#include <string>

#include "autograd/dtype.h"

// cudaStream_t is `struct CUstream_st*`; declared here so that code without
// CUDA headers (the bindings, CPU tests) can hold streams.
struct CUstream_st;

namespace acaode {
namespace cuda {

using Stream = CUstream_st*;

// True when this binary was compiled with the CUDA toolkit.
bool BuiltWithCuda();

// Number of usable CUDA devices; 0 when none, with the reason in *reason
// (e.g. "CUDA driver version is insufficient for CUDA runtime version").
// Never throws; the answer is computed once per process.
int DeviceCount(std::string* reason = nullptr);

// DeviceCount() > 0.
bool IsAvailable();

// Throws RuntimeError("<what>: no CUDA device: <reason>") unless a device
// is available.
void RequireDevice(const char* what);

// Throws RuntimeError("<what>: <CUDA error string> (cuda error <code>)")
// when `status` (a cudaError_t) is not cudaSuccess.
void Check(int status, const char* what);

// The process-wide stream (Note [CUDA stream order]); RuntimeError without a
// device.
Stream CurrentStream();

// Waits until all work queued on CurrentStream() has finished.
void Synchronize();

// Raw device memory (cudaMalloc/cudaFree). Malloc returns null when the
// device is out of memory (the caller may free cached blocks and retry) and
// throws RuntimeError for any other failure, including no device.
void* Malloc(size_t nbytes);
void Free(void* ptr);

// Copies nbytes between host and device or device and device; matches
// DeviceCopyFn (autograd/allocator.h). Runs on CurrentStream(). A copy into
// host memory returns when it is complete; from host memory, once the source
// may be reused; device to device, ordered on the stream like the kernels
// (no wait). Overlapping device ranges are copied as memmove would. Host
// memory is ordinary pageable memory.
void CopyBytes(void* dst, Device dst_device, const void* src, Device src_device, size_t nbytes);

// Copies `rows` blocks of `width` bytes from src (block i at src + i *
// src_pitch) to dst (at dst + i * dst_pitch), device to device, on
// CurrentStream() (asynchronous: ordered with the kernels).
void CopyBlocks2D(void* dst, size_t dst_pitch, const void* src, size_t src_pitch, size_t width,
                  size_t rows);

}  // namespace cuda
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CUDA_RUNTIME_H_
