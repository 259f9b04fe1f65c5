// The cuda device behind autograd's device seam (autograd/allocator.h).
//
// Linking //autograd/cuda:device registers, at program start, the device
// caching allocator (caching_allocator.h over cudaMalloc), the host<->device
// copy and the core's raw kernels (fill, axpy, cast, block copies: core_kernels.cc,
// into the tables of autograd/core_kernels.h), so that
//
//   Tensor g = x.to(Device::kCuda);          // differentiable copy
//   Tensor e = Empty({2, 3}, DType::kFloat32, Device::kCuda);
//
// work where a GPU is present. Without one, registration still happens and
// these calls throw acaode::RuntimeError("...: no CUDA device: <reason>")
// (never a crash); cuda::IsAvailable() (runtime.h) tells in advance.
#ifndef ACAODE_AUTOGRAD_CUDA_DEVICE_H_
#define ACAODE_AUTOGRAD_CUDA_DEVICE_H_

#include "autograd/cuda/caching_allocator.h"

namespace acaode {
namespace cuda {

// Registers the allocator and the device copy with autograd. Idempotent;
// runs automatically when this library is linked (a static initializer), and
// may be called again explicitly (e.g. from the Python module's init).
void RegisterCudaDevice();

// The process-wide device caching allocator (for statistics and EmptyCache).
CachingDeviceAllocator& DeviceAllocator();

}  // namespace cuda
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CUDA_DEVICE_H_
