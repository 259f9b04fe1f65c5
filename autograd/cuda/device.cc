#include "autograd/cuda/device.h"

#include "autograd/allocator.h"
#include "autograd/cuda/runtime.h"

namespace acaode {
namespace cuda {

namespace {

class CudaMallocBackend final : public DeviceMemoryBackend {
 public:
  void* Malloc(size_t nbytes) override { return cuda::Malloc(nbytes); }
  void Free(void* ptr) override { cuda::Free(ptr); }
  void SynchronizeAll() override { cuda::Synchronize(); }
};

// Registered at load time; the allocator is leaked on purpose (tensors with
// static storage duration may be freed during exit).
const bool kRegistered = [] {
  RegisterCudaDevice();
  return true;
}();

}  // namespace

CachingDeviceAllocator& DeviceAllocator() {
  static CachingDeviceAllocator* allocator =
      new CachingDeviceAllocator(new CudaMallocBackend(), [] {
        RequireDevice("cuda allocation");
        return CurrentStream();
      });
  return *allocator;
}

void RegisterCudaDevice() {
  (void)kRegistered;
  RegisterAllocator(Device::kCuda, &DeviceAllocator());
  RegisterDeviceCopy(&CopyBytes);
}

}  // namespace cuda
}  // namespace acaode
