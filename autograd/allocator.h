// Caching allocator for tensor buffers.
//
// Every op allocates its output buffer here, so hot loops (RK stages, MLP
// layers) reuse freed blocks instead of calling malloc. Sizes are rounded up
// to one of four classes per power of two (at most 25% slack, minimum 64
// bytes); a freed block goes onto the free list of its class and is handed
// out again for any request of that class. Blocks are 64-byte aligned.
//
//   Allocator& a = CpuAllocator();
//   Block b = a.Allocate(1000);     // b.size >= 1000
//   a.Free(b);                      // cached, not returned to the OS
//   a.EmptyCache();                 // returns cached blocks to the OS
//
// Thread safety: all methods may be called from any thread (one mutex).
#ifndef ACAODE_AUTOGRAD_ALLOCATOR_H_
#define ACAODE_AUTOGRAD_ALLOCATOR_H_

#include <cstddef>
#include <cstdint>

#include "autograd/dtype.h"

namespace acaode {

// A block handed out by an Allocator; `size` is the rounded capacity.
struct Block {
  void* ptr = nullptr;
  size_t size = 0;
};

// Byte counts for memory statistics (e.g. "peak tape bytes").
struct AllocatorStats {
  size_t bytes_in_use = 0;         // handed out and not yet freed
  size_t peak_bytes_in_use = 0;    // max of bytes_in_use since last reset
  size_t bytes_cached = 0;         // freed, held on free lists
  uint64_t num_allocs = 0;         // Allocate() calls
  uint64_t num_system_allocs = 0;  // of which missed the cache
};

class Allocator {
 public:
  virtual ~Allocator() = default;
  // Returns a block of at least `nbytes` bytes (a valid non-null block also
  // for nbytes == 0). Throws RuntimeError when the system is out of memory.
  virtual Block Allocate(size_t nbytes) = 0;
  // Returns a block obtained from Allocate of this allocator.
  virtual void Free(Block block) = 0;
  // Releases all cached blocks to the system.
  virtual void EmptyCache() = 0;
  virtual AllocatorStats Stats() const = 0;
  // Sets peak_bytes_in_use to the current bytes_in_use.
  virtual void ResetPeak() = 0;
  virtual Device device() const = 0;
};

// The process-wide caching allocator for host memory.
Allocator& CpuAllocator();

// The allocator for `device`; throws RuntimeError for a device without one
// (kCuda until the CUDA backend registers its allocator).
Allocator& GetAllocator(Device device);

// Lets a backend (e.g. CUDA) install its allocator. Not thread-safe with
// concurrent GetAllocator calls: call once at startup.
void RegisterAllocator(Device device, Allocator* allocator);

// Copies nbytes between devices (host<->device or device<->device); `dst`
// lives on dst_device and `src` on src_device. Synchronous.
using DeviceCopyFn = void (*)(void* dst, Device dst_device, const void* src, Device src_device,
                              size_t nbytes);

// Installs the copy used by Tensor::to(Device) when either side is not the
// CPU (the CUDA backend calls this at startup, like RegisterAllocator).
void RegisterDeviceCopy(DeviceCopyFn copy);
// The installed copy, or null when no backend registered one.
DeviceCopyFn GetDeviceCopy();

// The raw kernels the core runs on a device's memory (fill, axpy, cast, block copies) are
// per-device tables in autograd/core_kernels.h (Note [Device dispatch]).

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_ALLOCATOR_H_
