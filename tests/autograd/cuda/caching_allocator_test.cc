// Bookkeeping of the device caching allocator (autograd/cuda/caching_allocator.h)
// over a host-memory backend that counts calls and can simulate running out of
// memory. Needs no GPU.
#include "autograd/cuda/caching_allocator.h"

#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "autograd/error.h"
#include "gtest/gtest.h"

namespace acaode::cuda {
namespace {

class FakeBackend : public DeviceMemoryBackend {
 public:
  void* Malloc(size_t nbytes) override {
    ++mallocs;
    if (capacity > 0 && live_bytes + nbytes > capacity) return nullptr;
    live_bytes += nbytes;
    void* p = std::malloc(nbytes);
    sizes[p] = nbytes;
    return p;
  }
  void Free(void* p) override {
    ++frees;
    live_bytes -= sizes[p];
    sizes.erase(p);
    std::free(p);
  }
  void SynchronizeAll() override { ++syncs; }

  size_t capacity = 0;  // 0: unlimited
  size_t live_bytes = 0;
  int mallocs = 0, frees = 0, syncs = 0;
  std::map<void*, size_t> sizes;
};

Stream StreamA() { return reinterpret_cast<Stream>(0x1000); }
Stream StreamB() { return reinterpret_cast<Stream>(0x2000); }

TEST(CachingDeviceAllocatorTest, RoundSizeClasses) {
  EXPECT_EQ(CachingDeviceAllocator::RoundSize(0), 512u);
  EXPECT_EQ(CachingDeviceAllocator::RoundSize(1), 512u);
  EXPECT_EQ(CachingDeviceAllocator::RoundSize(512), 512u);
  EXPECT_EQ(CachingDeviceAllocator::RoundSize(513), 1024u);
  EXPECT_EQ(CachingDeviceAllocator::RoundSize(1 << 20), size_t{1} << 20);
  // Above 1 MiB: four classes per octave, at most 25% slack.
  EXPECT_EQ(CachingDeviceAllocator::RoundSize((1 << 20) + 1), (size_t{1} << 20) * 5 / 4);
  EXPECT_EQ(CachingDeviceAllocator::RoundSize(3 << 20), size_t{3} << 20);
  for (size_t n : {size_t{1000}, size_t{1} << 21, (size_t{7} << 22) + 3, size_t{123456789}}) {
    const size_t r = CachingDeviceAllocator::RoundSize(n);
    EXPECT_GE(r, n);
    EXPECT_LE(static_cast<double>(r), 1.25 * static_cast<double>(n) + 512) << n;
    EXPECT_EQ(CachingDeviceAllocator::RoundSize(r), r) << "a class is its own rounding";
  }
}

TEST(CachingDeviceAllocatorTest, ReusesFreedBlockOfTheSameClassOnTheSameStream) {
  FakeBackend backend;
  CachingDeviceAllocator a(&backend, StreamA);
  Block b1 = a.Allocate(1000);
  EXPECT_EQ(b1.size, 1024u);
  a.Free(b1);
  Block b2 = a.Allocate(700);  // same class (1024)
  EXPECT_EQ(b2.ptr, b1.ptr);
  EXPECT_EQ(backend.mallocs, 1);
  AllocatorStats s = a.Stats();
  EXPECT_EQ(s.num_allocs, 2u);
  EXPECT_EQ(s.num_system_allocs, 1u);
  EXPECT_EQ(s.bytes_in_use, 1024u);
  EXPECT_EQ(s.bytes_cached, 0u);
  Block b3 = a.Allocate(5000);  // another class: a new block
  EXPECT_NE(b3.ptr, b2.ptr);
  EXPECT_EQ(backend.mallocs, 2);
  a.Free(b2);
  a.Free(b3);
  s = a.Stats();
  EXPECT_EQ(s.bytes_in_use, 0u);
  EXPECT_EQ(s.bytes_cached, 1024u + 5120u);
  EXPECT_EQ(s.peak_bytes_in_use, 1024u + 5120u);
  a.EmptyCache();
  EXPECT_EQ(backend.frees, 2);
  EXPECT_EQ(backend.live_bytes, 0u);
  EXPECT_EQ(a.Stats().bytes_cached, 0u);
}

TEST(CachingDeviceAllocatorTest, BlocksAreNotSharedAcrossStreams) {
  FakeBackend backend;
  CachingDeviceAllocator a(&backend, StreamA);
  Block on_a = a.AllocateOnStream(2048, StreamA());
  a.Free(on_a);
  Block on_b = a.AllocateOnStream(2048, StreamB());
  EXPECT_NE(on_b.ptr, on_a.ptr) << "a block freed on stream A must not serve stream B";
  a.Free(on_b);
  Block again_a = a.Allocate(2048);  // current stream is A
  EXPECT_EQ(again_a.ptr, on_a.ptr);
  Block again_b = a.AllocateOnStream(2000, StreamB());
  EXPECT_EQ(again_b.ptr, on_b.ptr);
  EXPECT_EQ(backend.mallocs, 2);
  a.Free(again_a);
  a.Free(again_b);
  a.EmptyCache();
}

TEST(CachingDeviceAllocatorTest, OutOfMemoryReleasesCacheAndRetries) {
  FakeBackend backend;
  backend.capacity = 8192;
  CachingDeviceAllocator a(&backend, StreamA);
  Block small = a.Allocate(4096);
  a.Free(small);                 // cached: 4096 of the 8192 held
  Block big = a.Allocate(6000);  // class 6144: fits only after releasing the cache
  EXPECT_NE(big.ptr, nullptr);
  EXPECT_EQ(backend.syncs, 1) << "cached blocks are released only after a synchronise";
  EXPECT_EQ(backend.frees, 1);
  EXPECT_EQ(a.Stats().bytes_cached, 0u);
  // Now truly out of memory: a clear RuntimeError, state unchanged.
  try {
    a.Allocate(4000);
    FAIL() << "expected RuntimeError";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("out of memory"), std::string::npos) << e.what();
  }
  EXPECT_EQ(a.Stats().bytes_in_use, 6144u);
  a.Free(big);
  a.EmptyCache();
}

TEST(CachingDeviceAllocatorTest, FreeOfForeignPointerThrows) {
  FakeBackend backend;
  CachingDeviceAllocator a(&backend, StreamA);
  int x = 0;
  EXPECT_THROW(a.Free(Block{&x, 4}), RuntimeError);
  a.Free(Block{});  // null is a no-op
}

TEST(CachingDeviceAllocatorTest, ResetPeakAndConcurrentUse) {
  FakeBackend backend;
  CachingDeviceAllocator a(&backend, StreamA);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&a] {
      for (int i = 0; i < 500; ++i) {
        Block b = a.Allocate(static_cast<size_t>(100 + (i % 7) * 900));
        a.Free(b);
      }
    });
  }
  for (auto& th : threads) th.join();
  AllocatorStats s = a.Stats();
  EXPECT_EQ(s.bytes_in_use, 0u);
  EXPECT_EQ(s.num_allocs, 2000u);
  EXPECT_LE(s.num_system_allocs, 4u * 7u) << "at most one block per class per thread";
  a.ResetPeak();
  EXPECT_EQ(a.Stats().peak_bytes_in_use, 0u);
  a.EmptyCache();
  EXPECT_EQ(backend.live_bytes, 0u);
}

}  // namespace
}  // namespace acaode::cuda
