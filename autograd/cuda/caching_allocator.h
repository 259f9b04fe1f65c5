// Caching allocator for device memory, stream-aware, over a raw backend.
//
// cudaMalloc/cudaFree synchronise the device and cost tens of microseconds;
// an RK solve allocates a few tensors per stage. This allocator keeps freed
// blocks in pools keyed by (stream, size class) and hands them out again.
//
//   CachingDeviceAllocator a(&backend, [] { return cuda::CurrentStream(); });
//   Block b = a.Allocate(1000);   // on the current stream; b.size >= 1000
//   a.Free(b);                    // cached for later requests on that stream
//   a.EmptyCache();               // cudaFree of every cached block
//
// Size classes: requests are rounded up to a multiple of 512 bytes below
// 1 MiB, and above to one of four classes per power of two (at most 25%
// slack); a cached block serves any request of its class.
//
// Stream awareness: a block remembers the stream it was allocated on and goes
// back to that stream's pool. Reuse on the same stream is safe without events
// because work on one stream runs in order (Note [CUDA stream order] in
// runtime.h): the kernels still reading the old tensor run before those
// writing the new one. A block is never handed to another stream.
//
// Out of memory: when the backend returns null, every stream is
// synchronised, all cached blocks are released and the request retried once;
// then RuntimeError("cuda: out of memory ...") names the request and the
// bytes in use.
//
// Thread safety: all methods may be called from any thread (one mutex).
// The backend and the stream function are not owned and must outlive this.
#ifndef ACAODE_AUTOGRAD_CUDA_CACHING_ALLOCATOR_H_
#define ACAODE_AUTOGRAD_CUDA_CACHING_ALLOCATOR_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "autograd/allocator.h"
#include "autograd/cuda/runtime.h"

namespace acaode {
namespace cuda {

// Raw memory of one device. Implemented with cudaMalloc in device.cc and with
// host memory in the CPU tests of the bookkeeping.
class DeviceMemoryBackend {
 public:
  virtual ~DeviceMemoryBackend() = default;
  // Returns null when out of memory; may throw RuntimeError otherwise.
  virtual void* Malloc(size_t nbytes) = 0;
  virtual void Free(void* ptr) = 0;
  // Waits for all streams (before cached blocks are released to the system).
  virtual void SynchronizeAll() = 0;
};

class CachingDeviceAllocator final : public Allocator {
 public:
  CachingDeviceAllocator(DeviceMemoryBackend* backend, std::function<Stream()> current_stream);
  ~CachingDeviceAllocator() override = default;

  // The capacity a request of nbytes is rounded to (its size class).
  static size_t RoundSize(size_t nbytes);

  // On current_stream().
  Block Allocate(size_t nbytes) override;
  Block AllocateOnStream(size_t nbytes, Stream stream);
  // Returns the block to the pool of the stream it was allocated on.
  // RuntimeError for a pointer this allocator did not hand out.
  void Free(Block block) override;
  void EmptyCache() override;
  AllocatorStats Stats() const override;
  void ResetPeak() override;
  Device device() const override { return Device::kCuda; }

 private:
  using PoolKey = std::pair<Stream, size_t>;  // (stream, rounded size)
  void ReleaseCachedLocked();

  DeviceMemoryBackend* backend_;
  std::function<Stream()> current_stream_;
  mutable std::mutex mu_;
  std::map<PoolKey, std::vector<void*>> pools_;
  struct Live {
    Stream stream;
    size_t size;
  };
  std::unordered_map<void*, Live> live_;
  AllocatorStats stats_;
};

}  // namespace cuda
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CUDA_CACHING_ALLOCATOR_H_
