// Tensor basics: metadata, data access, errors, the caching allocator and
// the device seam.
#include <cstring>

#include "autograd/allocator.h"
#include "autograd/autograd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/autograd/grad_check.h"

namespace acaode {
namespace {

using ::acaode::testing::AllClose;
using ::testing::HasSubstr;

TEST(Tensor, Metadata) {
  const Tensor t = Zeros({2, 3, 4}, DType::kFloat32);
  EXPECT_TRUE(t.defined());
  EXPECT_FALSE(Tensor().defined());
  EXPECT_EQ(t.dim(), 3);
  EXPECT_EQ(t.numel(), 24);
  EXPECT_EQ(t.size(-1), 4);
  EXPECT_EQ(t.size(0), 2);
  EXPECT_EQ(t.nbytes(), 96u);
  EXPECT_EQ(t.device(), Device::kCpu);
  EXPECT_TRUE(t.is_leaf());
  EXPECT_THROW(t.size(3), ValueError);
  EXPECT_THROW(t.size(-4), ValueError);
  EXPECT_EQ(ShapeToString({}), "[]");
  EXPECT_EQ(ShapeToString({2, 3}), "[2, 3]");
  EXPECT_THAT(t.ToString(), HasSubstr("shape=[2, 3, 4], dtype=float32"));
}

TEST(Tensor, DataAccessChecksDType) {
  Tensor t = Ones({2});
  EXPECT_EQ(t.data<double>()[1], 1.0);
  EXPECT_THAT([&] { t.data<float>(); }, ::testing::ThrowsMessage<ValueError>(HasSubstr(
                                            "tensor has dtype float64, accessed as float32")));
  EXPECT_THAT([] { Ones({2}).item(); },
              ::testing::ThrowsMessage<ValueError>(HasSubstr("need exactly 1")));
  EXPECT_THROW(Tensor().item(), ValueError);
}

TEST(Tensor, CloneAndToCopy) {
  Tensor a = FromVector({1, 2}, {2});
  Tensor b = a.clone();
  b.mutable_data<double>()[0] = 9;
  EXPECT_TRUE(AllClose(a, {1, 2}));
  Tensor c = a.to(DType::kFloat32);
  EXPECT_EQ(c.dtype(), DType::kFloat32);
  EXPECT_TRUE(a.to(DType::kFloat64).is_same(a));
}

TEST(Tensor, SetGradChecksShape) {
  Tensor p = Ones({2}).set_requires_grad(true);
  p.set_grad(FromVector({1, 2}, {2}));
  EXPECT_TRUE(AllClose(p.grad(), {1, 2}));
  EXPECT_THROW(p.set_grad(Ones({3})), ValueError);
}

TEST(DeviceSeam, CudaIsAClearErrorWithoutAGpu) {
  // The CUDA backend (//autograd/cuda) is linked with the ops: with a GPU the
  // move works; without one it is a RuntimeError naming the reason.
  try {
    Tensor g = Ones({2}).to(Device::kCuda);
    EXPECT_EQ(g.device(), Device::kCuda);
    EXPECT_TRUE(AllClose(g.to(Device::kCpu), {1, 1}));
  } catch (const RuntimeError& e) {
    EXPECT_THAT(e.what(), HasSubstr("no CUDA device"));
    EXPECT_THROW(Empty({2}, DType::kFloat32, Device::kCuda), RuntimeError);
  }
  EXPECT_TRUE(Ones({2}).to(Device::kCpu).defined());
}

TEST(Storage, WrapRunsDeleterWhenLastViewDies) {
  static double buffer[4] = {1, 2, 3, 4};
  int deleted = 0;
  {
    auto storage =
        Storage::Wrap(buffer, sizeof(buffer), Device::kCpu, [&deleted](void*) { ++deleted; });
    Tensor t(std::make_shared<TensorImpl>(storage, 1, Shape{3}, DType::kFloat64));
    storage.reset();
    EXPECT_TRUE(AllClose(t, {2, 3, 4}));
    Tensor v = t[2];
    t = Tensor();
    EXPECT_EQ(deleted, 0);
    EXPECT_EQ(v.item(), 4.0);
  }
  EXPECT_EQ(deleted, 1);
}

// A fake second device backed by host memory, to test the device seam
// (RegisterAllocator + RegisterDeviceCopy) without a GPU.
class FakeDeviceAllocator final : public Allocator {
 public:
  Block Allocate(size_t nbytes) override {
    ++allocs;
    return CpuAllocator().Allocate(nbytes);
  }
  void Free(Block b) override { CpuAllocator().Free(b); }
  void EmptyCache() override {}
  AllocatorStats Stats() const override { return {}; }
  void ResetPeak() override {}
  Device device() const override { return Device::kCuda; }
  int allocs = 0;
};

int fake_copies = 0;
void FakeCopy(void* dst, Device, const void* src, Device, size_t n) {
  ++fake_copies;
  std::memcpy(dst, src, n);
}

TEST(DeviceSeam, RegisteredBackendMovesTensorsDifferentiably) {
  // Saved to be restored: the real CUDA backend is registered in this binary.
  Allocator* real_allocator = &GetAllocator(Device::kCuda);
  const DeviceCopyFn real_copy = GetDeviceCopy();
  FakeDeviceAllocator fake;
  RegisterAllocator(Device::kCuda, &fake);
  RegisterDeviceCopy(&FakeCopy);
  Tensor x = FromVector({1, 2}, {2}).set_requires_grad(true);
  Tensor d = x.to(Device::kCuda);
  EXPECT_EQ(d.device(), Device::kCuda);
  EXPECT_EQ(fake.allocs, 1);
  Tensor back = d.to(Device::kCpu);
  EXPECT_EQ(fake_copies, 2);
  Sum(Mul(back, 3.0)).backward();
  EXPECT_TRUE(AllClose(x.grad(), {3, 3}));
  EXPECT_EQ(fake_copies, 4);  // the gradient went back through both moves
  RegisterDeviceCopy(nullptr);
  RegisterAllocator(Device::kCuda, nullptr);
  EXPECT_THAT([&] { x.to(Device::kCuda); },
              ::testing::ThrowsMessage<RuntimeError>(HasSubstr("no CUDA backend")));
  RegisterDeviceCopy(real_copy);
  RegisterAllocator(Device::kCuda, real_allocator);
}

TEST(Allocator, ReusesFreedBlocks) {
  Allocator& a = CpuAllocator();
  { Tensor warm = Empty({1000}); }  // a block of this class is now cached
  const AllocatorStats before = a.Stats();
  for (int i = 0; i < 100; ++i) {
    Tensor t = Empty({1000});
  }
  const AllocatorStats after = a.Stats();
  EXPECT_EQ(after.num_allocs - before.num_allocs, 100u);
  EXPECT_EQ(after.num_system_allocs, before.num_system_allocs);
}

TEST(Allocator, SizeClassesAndStats) {
  Allocator& a = CpuAllocator();
  Block b = a.Allocate(1000);
  EXPECT_GE(b.size, 1000u);
  EXPECT_LE(b.size, 1250u);  // at most 25% slack
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b.ptr) % 64, 0u);
  const size_t in_use = a.Stats().bytes_in_use;
  a.Free(b);
  EXPECT_EQ(a.Stats().bytes_in_use, in_use - b.size);
  a.EmptyCache();
  EXPECT_EQ(a.Stats().bytes_cached, 0u);
}

}  // namespace
}  // namespace acaode
