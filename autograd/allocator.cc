#include "autograd/allocator.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "autograd/error.h"

namespace acaode {
namespace {

constexpr size_t kAlignment = 64;
constexpr size_t kMinBlock = 64;
// Four size classes per power of two: (2^p, 2^(p+1)] is cut into steps of
// 2^(p-2), so a block is at most 25% larger than requested.
constexpr int kClassesPerOctave = 4;
constexpr int kNumClasses = 1 + 58 * kClassesPerOctave;
// Cached bytes above this are returned to the system on Free.
constexpr size_t kMaxCachedBytes = size_t{4} << 30;

// Class index and rounded size of a request.
int SizeClass(size_t nbytes, size_t* rounded) {
  if (nbytes <= kMinBlock) {
    *rounded = kMinBlock;
    return 0;
  }
  const int p = 63 - __builtin_clzll(static_cast<unsigned long long>(nbytes - 1));
  const size_t step = size_t{1} << (p - 2);
  const size_t k = (nbytes + step - 1) / step;  // in 5..8
  *rounded = k * step;
  return 1 + (p - 6) * kClassesPerOctave + static_cast<int>(k - 5);
}

// 64-byte aligned memory (posix_memalign: unlike aligned_alloc it takes
// sizes that are not multiples of the alignment); null when out of memory.
void* SystemAlloc(size_t nbytes) {
  void* p = nullptr;
  if (posix_memalign(&p, kAlignment, nbytes) != 0) return nullptr;
  return p;
}

class CachingCpuAllocator final : public Allocator {
 public:
  ~CachingCpuAllocator() override { EmptyCache(); }

  Block Allocate(size_t nbytes) override {
    size_t rounded = 0;
    const int c = SizeClass(nbytes, &rounded);
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.num_allocs;
      std::vector<void*>& list = free_[c];
      if (!list.empty()) {
        void* p = list.back();
        list.pop_back();
        stats_.bytes_cached -= rounded;
        AddInUse(rounded);
        return Block{p, rounded};
      }
      ++stats_.num_system_allocs;
    }
    void* p = SystemAlloc(rounded);
    if (p == nullptr) {
      EmptyCache();
      p = SystemAlloc(rounded);
      if (p == nullptr) {
        throw RuntimeError("CpuAllocator: out of memory allocating " + std::to_string(rounded) +
                           " bytes");
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    AddInUse(rounded);
    return Block{p, rounded};
  }

  void Free(Block block) override {
    if (block.ptr == nullptr) return;
    size_t rounded = 0;
    const int c = SizeClass(block.size, &rounded);
    {
      std::lock_guard<std::mutex> lock(mu_);
      stats_.bytes_in_use -= rounded;
      if (stats_.bytes_cached + rounded <= kMaxCachedBytes) {
        free_[c].push_back(block.ptr);
        stats_.bytes_cached += rounded;
        return;
      }
    }
    std::free(block.ptr);
  }

  void EmptyCache() override {
    std::vector<void*> to_free;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (std::vector<void*>& list : free_) {
        to_free.insert(to_free.end(), list.begin(), list.end());
        list.clear();
      }
      stats_.bytes_cached = 0;
    }
    for (void* p : to_free) std::free(p);
  }

  AllocatorStats Stats() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return stats_;
  }

  void ResetPeak() override {
    std::lock_guard<std::mutex> lock(mu_);
    stats_.peak_bytes_in_use = stats_.bytes_in_use;
  }

  Device device() const override { return Device::kCpu; }

 private:
  void AddInUse(size_t n) {
    stats_.bytes_in_use += n;
    stats_.peak_bytes_in_use = std::max(stats_.peak_bytes_in_use, stats_.bytes_in_use);
  }

  mutable std::mutex mu_;
  std::vector<void*> free_[kNumClasses];
  AllocatorStats stats_;
};

Allocator* registered_cuda_allocator = nullptr;
DeviceCopyFn registered_device_copy = nullptr;

}  // namespace

Allocator& CpuAllocator() {
  // Leaked on purpose: tensors with static storage duration may be freed
  // after a function-local static would have been destroyed.
  static Allocator* allocator = new CachingCpuAllocator();
  return *allocator;
}

Allocator& GetAllocator(Device device) {
  if (device == Device::kCpu) return CpuAllocator();
  if (registered_cuda_allocator == nullptr) {
    throw RuntimeError(
        "GetAllocator: no allocator for device cuda (this build has no CUDA "
        "backend)");
  }
  return *registered_cuda_allocator;
}

void RegisterAllocator(Device device, Allocator* allocator) {
  if (device == Device::kCuda) registered_cuda_allocator = allocator;
}

void RegisterDeviceCopy(DeviceCopyFn copy) { registered_device_copy = copy; }

DeviceCopyFn GetDeviceCopy() { return registered_device_copy; }

}  // namespace acaode
