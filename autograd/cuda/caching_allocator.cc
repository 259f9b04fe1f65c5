#include "autograd/cuda/caching_allocator.h"

#include <string>

#include "autograd/error.h"

namespace acaode {
namespace cuda {
namespace {
constexpr size_t kSmallGranule = 512;
constexpr size_t kSmallLimit = size_t{1} << 20;  // 1 MiB
}  // namespace

size_t CachingDeviceAllocator::RoundSize(size_t nbytes) {
  if (nbytes == 0) return kSmallGranule;
  if (nbytes <= kSmallLimit) return (nbytes + kSmallGranule - 1) / kSmallGranule * kSmallGranule;
  // Four classes per octave: with 2^p < nbytes <= 2^(p+1), the step is 2^(p-2).
  const int p = 63 - __builtin_clzll(static_cast<unsigned long long>(nbytes - 1));
  const size_t step = size_t{1} << (p - 2);
  return (nbytes + step - 1) / step * step;
}

CachingDeviceAllocator::CachingDeviceAllocator(DeviceMemoryBackend* backend,
                                               std::function<Stream()> current_stream)
    : backend_(backend), current_stream_(std::move(current_stream)) {}

Block CachingDeviceAllocator::Allocate(size_t nbytes) {
  return AllocateOnStream(nbytes, current_stream_());
}

Block CachingDeviceAllocator::AllocateOnStream(size_t nbytes, Stream stream) {
  const size_t size = RoundSize(nbytes);
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.num_allocs;
  void* ptr = nullptr;
  auto it = pools_.find({stream, size});
  if (it != pools_.end() && !it->second.empty()) {
    ptr = it->second.back();
    it->second.pop_back();
    stats_.bytes_cached -= size;
  } else {
    ++stats_.num_system_allocs;
    ptr = backend_->Malloc(size);
    if (ptr == nullptr) {
      ReleaseCachedLocked();
      ptr = backend_->Malloc(size);
    }
    if (ptr == nullptr) {
      throw RuntimeError("cuda: out of memory allocating " + std::to_string(nbytes) + " bytes (" +
                         std::to_string(stats_.bytes_in_use) +
                         " bytes in use by tensors; cache already released)");
    }
  }
  live_[ptr] = Live{stream, size};
  stats_.bytes_in_use += size;
  if (stats_.bytes_in_use > stats_.peak_bytes_in_use) {
    stats_.peak_bytes_in_use = stats_.bytes_in_use;
  }
  return Block{ptr, size};
}

void CachingDeviceAllocator::Free(Block block) {
  if (block.ptr == nullptr) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = live_.find(block.ptr);
  if (it == live_.end()) {
    throw RuntimeError("CachingDeviceAllocator::Free: pointer was not allocated here");
  }
  const Live live = it->second;
  live_.erase(it);
  stats_.bytes_in_use -= live.size;
  stats_.bytes_cached += live.size;
  pools_[{live.stream, live.size}].push_back(block.ptr);
}

void CachingDeviceAllocator::ReleaseCachedLocked() {
  if (stats_.bytes_cached == 0) return;
  backend_->SynchronizeAll();
  for (auto& [key, ptrs] : pools_) {
    for (void* p : ptrs) backend_->Free(p);
    ptrs.clear();
  }
  pools_.clear();
  stats_.bytes_cached = 0;
}

void CachingDeviceAllocator::EmptyCache() {
  std::lock_guard<std::mutex> lock(mu_);
  ReleaseCachedLocked();
}

AllocatorStats CachingDeviceAllocator::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void CachingDeviceAllocator::ResetPeak() {
  std::lock_guard<std::mutex> lock(mu_);
  stats_.peak_bytes_in_use = stats_.bytes_in_use;
}

}  // namespace cuda
}  // namespace acaode
