// NCCL collectives on CUDA tensors (autograd/cuda/nccl.h). Here every machine checks the
// loader and the argument checks; a GPU machine with NCCL also runs a communicator of one
// rank, whose collectives must give back their inputs exactly. (NCCL refuses two ranks on
// one GPU, so a one-GPU machine cannot run more; docs/distributed.md.)
#include "autograd/cuda/nccl.h"

#include <cstring>
#include <string>
#include <vector>

#include "autograd/autograd.h"
#include "autograd/cuda/runtime.h"
#include "gtest/gtest.h"

namespace acaode::cuda {
namespace {

TEST(NcclTest, LoadsOrSaysWhatIsMissing) {
  std::string why;
  if (NcclAvailable(&why)) {
    EXPECT_GE(NcclVersion(), 21000);
    EXPECT_TRUE(why.empty());
  } else {
    EXPECT_NE(why.find("ACAODE_NCCL_LIBRARY"), std::string::npos) << why;
    EXPECT_THROW(NcclGetUniqueId(), RuntimeError);
  }
}

TEST(NcclTest, RankOutsideTheWorldIsAValueError) {
  const NcclUniqueId id;
  EXPECT_THROW(NcclCommunicator(id, 2, 2), ValueError);
  EXPECT_THROW(NcclCommunicator(id, 2, -1), ValueError);
  EXPECT_THROW(NcclCommunicator(id, 0, 0), ValueError);
}

// Making an id needs NCCL but no GPU.
TEST(NcclTest, EveryIdIsFresh) {
  std::string why;
  if (!NcclAvailable(&why)) GTEST_SKIP() << "no NCCL: " << why;
  const NcclUniqueId a = NcclGetUniqueId();
  const NcclUniqueId b = NcclGetUniqueId();
  const NcclUniqueId zero;
  EXPECT_NE(std::memcmp(a.bytes, b.bytes, sizeof(a.bytes)), 0);
  EXPECT_NE(std::memcmp(a.bytes, zero.bytes, sizeof(a.bytes)), 0);
}

TEST(NcclTest, WorldOfOneGivesBackItsInputs) {
  std::string why;
  if (DeviceCount(&why) == 0) GTEST_SKIP() << "no CUDA device: " << why;
  if (!NcclAvailable(&why)) GTEST_SKIP() << "no NCCL: " << why;
  NcclCommunicator comm(NcclGetUniqueId(), 1, 0);
  EXPECT_EQ(comm.world_size(), 1);
  Generator gen(3);
  for (const DType dtype : {DType::kFloat32, DType::kFloat64}) {
    std::vector<Tensor> host, dev;
    for (const Shape& s : {Shape{7}, Shape{3, 5}, Shape{0}, Shape{1000, 3}}) {
      host.push_back(RandNormal(s, 0.0, 1.0, gen, dtype));
      dev.push_back(host.back().to(Device::kCuda));
    }
    for (const NcclOp op : {NcclOp::kSum, NcclOp::kAvg, NcclOp::kMax, NcclOp::kMin}) {
      comm.AllReduce(dev, op);
      for (size_t i = 0; i < dev.size(); ++i) {
        EXPECT_EQ(ToVector(dev[i].to(Device::kCpu)), ToVector(host[i]))
            << "all_reduce op " << static_cast<int>(op) << " tensor " << i;
      }
    }
    comm.Broadcast(dev, 0);
    for (size_t i = 0; i < dev.size(); ++i) {
      EXPECT_EQ(ToVector(dev[i].to(Device::kCpu)), ToVector(host[i])) << "broadcast " << i;
    }
    EXPECT_THROW(comm.AllReduce({host[0]}, NcclOp::kSum), ValueError);  // a CPU tensor
    EXPECT_THROW(comm.Broadcast(dev, 1), ValueError);                   // no rank 1
  }
  comm.Abort();
  EXPECT_THROW(comm.AllReduce({}, NcclOp::kSum), RuntimeError);
}

}  // namespace
}  // namespace acaode::cuda
