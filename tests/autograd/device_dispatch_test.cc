// DeviceDispatch (Note [Device dispatch], autograd/device_dispatch.h): a table runs the
// kernel of the device asked for with the arguments given, and a device without a kernel
// raises RuntimeError naming the kernel and the device. This binary links no device
// backend, so the NN ops' tables have their CPU kernels only.
#include "autograd/device_dispatch.h"

#include <string>

#include "autograd/autograd.h"
#include "autograd/ops/loss.h"
#include "autograd/ops/nn_kernels.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace acaode {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

int TwiceOnCpu(int a, const std::string& tag) { return 2 * a + static_cast<int>(tag.size()); }
int ThriceOnCuda(int a, const std::string& tag) { return 3 * a + static_cast<int>(tag.size()); }

TEST(DeviceDispatch, RunsTheKernelOfTheDeviceAskedFor) {
  DeviceDispatch<int(int, const std::string&)> table("Toy", TwiceOnCpu);
  EXPECT_TRUE(table.Has(Device::kCpu));
  EXPECT_FALSE(table.Has(Device::kCuda));
  EXPECT_EQ(table(Device::kCpu, 5, "ab"), 12);
  table.Register(Device::kCuda, ThriceOnCuda);
  EXPECT_TRUE(table.Has(Device::kCuda));
  EXPECT_EQ(table(Device::kCuda, 5, "ab"), 17);
  EXPECT_EQ(table(Device::kCpu, 5, "ab"), 12);
}

TEST(DeviceDispatch, ADeviceWithoutAKernelRaisesNamingKernelAndDevice) {
  DeviceDispatch<int(int, const std::string&)> table("Toy backward", TwiceOnCpu);
  try {
    table(Device::kCuda, 1, "");
    FAIL() << "expected RuntimeError";
  } catch (const RuntimeError& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("Toy backward"), HasSubstr("no kernel for cuda")));
  }
}

TEST(DeviceDispatch, NnOpTablesHaveOnlyTheirCpuKernelsWithoutABackend) {
  EXPECT_TRUE(conv2d_kernel.Has(Device::kCpu));
  EXPECT_FALSE(conv2d_kernel.Has(Device::kCuda));
  EXPECT_FALSE(mse_loss_backward_kernel.Has(Device::kCuda));
  // The op's CPU path runs through the table (the values are checked in nn_ops_test).
  const Tensor a = FromVector({1.0, 2.0}, {2});
  const Tensor b = FromVector({0.0, 4.0}, {2});
  EXPECT_DOUBLE_EQ(MseLoss(a, b).item(), 2.5);
  EXPECT_THROW(mse_loss_kernel(Device::kCuda, a, b, 1.0), RuntimeError);
}

}  // namespace
}  // namespace acaode
