// The cuda device behind autograd's seam (autograd/cuda/device.h): without a
// GPU every use gives a clear RuntimeError naming the reason (never a crash);
// with one, tensors round-trip host -> device -> host exactly and the
// allocator caches blocks.
#include "autograd/cuda/device.h"

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "autograd/autograd.h"
#include "autograd/core_kernels.h"
#include "autograd/cuda/runtime.h"
#include "autograd/nn/linear.h"
#include "autograd/ops/kernels.h"
#include "autograd/ops/nn_kernels.h"
#include "autograd/optim/adam.h"
#include "autograd/optim/sgd.h"
#include "gtest/gtest.h"

namespace acaode::cuda {
namespace {

bool HasGpu(std::string* why) { return DeviceCount(why) > 0; }

void ExpectNoDeviceError(const std::function<void()>& f, const std::string& what) {
  try {
    f();
    FAIL() << what << ": expected RuntimeError without a GPU";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("no CUDA device"), std::string::npos)
        << what << ": " << e.what();
  }
}

// Linking //autograd/cuda:device and :kernel_registration fills the CUDA slot of the core's and
// every op's kernel table (Note [Device dispatch]); checked here with or without a GPU.
TEST(CudaDeviceTest, NnOpKernelTablesHaveTheirCudaKernels) {
  EXPECT_TRUE(fill_kernel.Has(Device::kCuda));  // the core's (autograd/core_kernels.h)
  EXPECT_TRUE(axpy_kernel.Has(Device::kCuda));
  EXPECT_TRUE(scale_kernel.Has(Device::kCuda));
  EXPECT_TRUE(cast_kernel.Has(Device::kCuda));
  EXPECT_TRUE(copy_blocks_kernel.Has(Device::kCuda));
  EXPECT_TRUE(unary_kernel.Has(Device::kCuda));
  EXPECT_TRUE(unary_grad_kernel.Has(Device::kCuda));
  EXPECT_TRUE(binary_kernel.Has(Device::kCuda));
  EXPECT_TRUE(broadcast_to_kernel.Has(Device::kCuda));
  EXPECT_TRUE(linear_combination_kernel.Has(Device::kCuda));
  EXPECT_TRUE(permute_kernel.Has(Device::kCuda));
  EXPECT_TRUE(sum_kernel.Has(Device::kCuda));
  EXPECT_TRUE(extremum_kernel.Has(Device::kCuda));
  EXPECT_TRUE(scatter_at_arg_kernel.Has(Device::kCuda));
  EXPECT_TRUE(argmax_kernel.Has(Device::kCuda));
  EXPECT_TRUE(matmul_kernel.Has(Device::kCuda));
  EXPECT_TRUE(matmul_backward_kernel.Has(Device::kCuda));
  EXPECT_TRUE(linear_kernel.Has(Device::kCuda));
  EXPECT_TRUE(activation_backward_kernel.Has(Device::kCuda));
  EXPECT_TRUE(linear_backward_kernel.Has(Device::kCuda));
  EXPECT_TRUE(group_norm_kernel.Has(Device::kCuda));
  EXPECT_TRUE(batch_norm_kernel.Has(Device::kCuda));
  EXPECT_TRUE(norm_backward_kernel.Has(Device::kCuda));
  EXPECT_TRUE(conv2d_kernel.Has(Device::kCuda));
  EXPECT_TRUE(conv2d_backward_kernel.Has(Device::kCuda));
  EXPECT_TRUE(avg_pool2d_kernel.Has(Device::kCuda));
  EXPECT_TRUE(avg_pool2d_backward_kernel.Has(Device::kCuda));
  EXPECT_TRUE(plane_mean_kernel.Has(Device::kCuda));
  EXPECT_TRUE(plane_mean_backward_kernel.Has(Device::kCuda));
  EXPECT_TRUE(log_softmax_kernel.Has(Device::kCuda));
  EXPECT_TRUE(log_softmax_backward_kernel.Has(Device::kCuda));
  EXPECT_TRUE(nll_loss_kernel.Has(Device::kCuda));
  EXPECT_TRUE(cross_entropy_backward_kernel.Has(Device::kCuda));
  EXPECT_TRUE(mse_loss_kernel.Has(Device::kCuda));
  EXPECT_TRUE(mse_loss_backward_kernel.Has(Device::kCuda));
}

TEST(CudaDeviceTest, DeviceCountNeverThrowsAndExplainsZero) {
  std::string why;
  const int n = DeviceCount(&why);
  EXPECT_GE(n, 0);
  EXPECT_EQ(IsAvailable(), n > 0);
  if (n == 0) {
    EXPECT_FALSE(why.empty()) << "a zero count must come with a reason";
  }
}

TEST(CudaDeviceTest, WithoutGpuEveryUseIsAClearRuntimeError) {
  std::string why;
  if (HasGpu(&why)) GTEST_SKIP() << "a CUDA device is present; this test is for machines without";
  Tensor x = FromVector({1, 2, 3}, {3});
  ExpectNoDeviceError([&] { x.to(Device::kCuda); }, "Tensor::to(kCuda)");
  ExpectNoDeviceError([] { Empty({2, 2}, DType::kFloat32, Device::kCuda); }, "Empty on cuda");
  ExpectNoDeviceError([] { CurrentStream(); }, "CurrentStream");
  ExpectNoDeviceError([] { Malloc(16); }, "Malloc");
  ExpectNoDeviceError([] { RequireDevice("test"); }, "RequireDevice");
  // The allocator's state is untouched by the failed attempts.
  EXPECT_EQ(DeviceAllocator().Stats().bytes_in_use, 0u);
  EXPECT_EQ(DeviceAllocator().Stats().num_system_allocs, 0u);
}

TEST(CudaDeviceTest, WithoutGpuModuleToCudaMovesNothing) {
  std::string why;
  if (HasGpu(&why)) GTEST_SKIP() << "a CUDA device is present; this test is for machines without";
  Generator gen(3);
  nn::Linear lin(2, 3, gen);
  const std::vector<double> before = ToVector(lin.weight());
  ExpectNoDeviceError([&] { lin.To(Device::kCuda); }, "Module::To(kCuda)");
  EXPECT_EQ(lin.weight().device(), Device::kCpu);
  EXPECT_EQ(ToVector(lin.weight()), before);
  lin.To(Device::kCpu);  // already there: a no-op
  EXPECT_EQ(ToVector(lin.weight()), before);
}

TEST(CudaDeviceTest, ModuleToCudaMovesParametersInPlace) {
  std::string why;
  if (!HasGpu(&why)) GTEST_SKIP() << "no CUDA device: " << why;
  Generator gen(3);
  nn::Linear lin(2, 3, gen);
  const Tensor handle = lin.weight();  // another handle to the same parameter
  const std::vector<double> before = ToVector(handle);
  lin.To(Device::kCuda);
  EXPECT_EQ(handle.device(), Device::kCuda);
  EXPECT_EQ(ToVector(handle), before);
  Tensor y = lin.Forward(FromVector({1, 2, 3, 4}, {2, 2}).to(Device::kCuda));
  EXPECT_EQ(y.device(), Device::kCuda);
  Sum(y).backward();
  EXPECT_EQ(lin.weight().grad().device(), Device::kCuda);
  lin.To(Device::kCpu);
  EXPECT_EQ(ToVector(handle), before);
}

TEST(CudaDeviceTest, OptimizerRefusesParametersMovedToTheGpu) {
  // The update loops write host memory: a module moved after the optimizer was made must
  // give a RuntimeError naming the parameter, not a write through a device pointer.
  std::string why;
  if (!HasGpu(&why)) GTEST_SKIP() << "no CUDA device: " << why;
  Generator gen(5);
  nn::Linear lin(2, 3, gen);
  auto sgd = optim::Sgd::Create(lin.Parameters(), optim::SgdOptions{});
  auto adam = optim::Adam::Create(lin.Parameters(), optim::AdamOptions{});
  ASSERT_TRUE(sgd.ok() && adam.ok());
  lin.To(Device::kCuda);
  Sum(lin.Forward(FromVector({1, 2, 3, 4}, {2, 2}).to(Device::kCuda))).backward();
  for (optim::Optimizer* opt :
       {static_cast<optim::Optimizer*>(sgd->get()), static_cast<optim::Optimizer*>(adam->get())}) {
    try {
      opt->Step();
      ADD_FAILURE() << "expected RuntimeError";
    } catch (const RuntimeError& e) {
      EXPECT_NE(std::string(e.what()).find("CPU parameters only"), std::string::npos) << e.what();
    }
  }
}

TEST(CudaDeviceTest, LoadStateDictIntoAModuleOnTheGpu) {
  // The CPU arrays reach the GPU parameters through the device copy (not a host memmove
  // into device memory), in place: handles to the parameters stay valid.
  std::string why;
  if (!HasGpu(&why)) GTEST_SKIP() << "no CUDA device: " << why;
  Generator gen(9);
  nn::Linear lin(2, 3, gen);
  lin.To(Device::kCuda);
  const Tensor handle = lin.weight();
  nn::TensorDict dict = {{"weight", FromVector({1, 2, 3, 4, 5, 6}, {3, 2})},
                         {"bias", FromVector({7, 8, 9}, {3})}};
  ASSERT_TRUE(lin.LoadStateDict(dict).ok());
  EXPECT_EQ(handle.device(), Device::kCuda);
  EXPECT_EQ(ToVector(handle.to(Device::kCpu)), (std::vector<double>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(ToVector(lin.bias().to(Device::kCpu)), (std::vector<double>{7, 8, 9}));
}

TEST(CudaDeviceTest, RoundTripIsExactAndDifferentiable) {
  std::string why;
  if (!HasGpu(&why)) GTEST_SKIP() << "no CUDA device: " << why;
  for (const DType dt : {DType::kFloat32, DType::kFloat64}) {
    Tensor x = FromVector({1.5, -2.25, 3.0, 1e-7, 4.0, 5.5}, {2, 3}, dt).set_requires_grad(true);
    Tensor g = x.to(Device::kCuda);
    EXPECT_EQ(g.device(), Device::kCuda);
    EXPECT_EQ(g.shape(), x.shape());
    Tensor back = g.to(Device::kCpu);
    EXPECT_EQ(ToVector(back), ToVector(x.detach()));
    // d to(x) = to(dx): the gradient comes back to the CPU leaf unchanged.
    back.backward(FromVector({1, 2, 3, 4, 5, 6}, {2, 3}, dt));
    EXPECT_EQ(ToVector(x.grad()), (std::vector<double>{1, 2, 3, 4, 5, 6}));
  }
}

// CopyBytes between overlapping device ranges behaves as memmove, both directions; a
// device-to-device copy followed by a copy to the host sees the first one done.
TEST(CudaDeviceTest, OverlappingDeviceCopiesAreMemmove) {
  std::string why;
  if (!HasGpu(&why)) GTEST_SKIP() << "no CUDA device: " << why;
  std::vector<double> host(64);
  for (size_t i = 0; i < host.size(); ++i) host[i] = static_cast<double>(i);
  Tensor t = FromVector(host, {64}).to(Device::kCuda);
  auto* base = static_cast<char*>(t.raw_data());
  CopyBytes(base + 8 * 3, Device::kCuda, base, Device::kCuda, 8 * 40);  // forward shift by 3
  std::vector<double> want = host;
  std::memmove(want.data() + 3, want.data(), 8 * 40);
  EXPECT_EQ(ToVector(t.to(Device::kCpu)), want);
  CopyBytes(base, Device::kCuda, base + 8 * 5, Device::kCuda, 8 * 50);  // backward shift by 5
  std::memmove(want.data(), want.data() + 5, 8 * 50);
  EXPECT_EQ(ToVector(t.to(Device::kCpu)), want);
}

TEST(CudaDeviceTest, AllocatorReusesBlocksOnTheDevice) {
  std::string why;
  if (!HasGpu(&why)) GTEST_SKIP() << "no CUDA device: " << why;
  CachingDeviceAllocator& a = DeviceAllocator();
  void* first = nullptr;
  {
    Tensor t = Empty({1000}, DType::kFloat64, Device::kCuda);
    first = t.raw_data();
  }
  const uint64_t system_before = a.Stats().num_system_allocs;
  Tensor t2 = Empty({999}, DType::kFloat64, Device::kCuda);
  EXPECT_EQ(t2.raw_data(), first);
  EXPECT_EQ(a.Stats().num_system_allocs, system_before);
}

}  // namespace
}  // namespace acaode::cuda
