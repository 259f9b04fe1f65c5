// autograd's ops on cuda tensors against the same ops on the CPU: each case
// runs f on CPU leaves and on their copies on the GPU, back-propagates the
// same output gradient through both, and compares outputs and input
// gradients (float64 tight, float32 looser). Includes an RK4 step written with
// LinearCombination and a conv ODE block. Skips with the reason without a GPU.
#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "autograd/autograd.h"
#include "autograd/cuda/runtime.h"
#include "autograd/ops/conv.h"
#include "autograd/ops/linear.h"
#include "autograd/ops/loss.h"
#include "autograd/ops/norm.h"
#include "autograd/ops/pool.h"
#include "gtest/gtest.h"
#include "solvers/error_norm.h"

namespace acaode {
namespace {

#define REQUIRE_GPU()                                                            \
  do {                                                                           \
    std::string why;                                                             \
    if (cuda::DeviceCount(&why) == 0) GTEST_SKIP() << "no CUDA device: " << why; \
  } while (0)

using Fn = std::function<Tensor(const std::vector<Tensor>&)>;

Tensor Random(const Shape& shape, DType dtype, double lo, double hi, uint64_t seed) {
  Generator gen(seed);
  return RandUniform(shape, lo, hi, gen, dtype);
}

void ExpectNear(const Tensor& gpu, const Tensor& cpu, double tol, const std::string& what) {
  ASSERT_EQ(gpu.device(), Device::kCuda) << what;
  const std::vector<double> g = ToVector(gpu.to(Device::kCpu));
  const std::vector<double> c = ToVector(cpu);
  ASSERT_EQ(g.size(), c.size()) << what;
  for (size_t i = 0; i < g.size(); ++i) {
    ASSERT_NEAR(g[i], c[i], tol * (1.0 + std::abs(c[i]))) << what << " element " << i;
  }
}

// Runs f on CPU leaves and GPU leaves; compares outputs and gradients.
void CompareOnDevices(const std::string& name, const Fn& f, const std::vector<Tensor>& inputs,
                      double tol) {
  std::vector<Tensor> cpu_in, gpu_in;
  for (const Tensor& t : inputs) {
    cpu_in.push_back(t.detach().clone().set_requires_grad(true));
    gpu_in.push_back(t.detach().to(Device::kCuda).set_requires_grad(true));
  }
  Tensor y_cpu = f(cpu_in);
  Tensor y_gpu = f(gpu_in);
  ExpectNear(y_gpu, y_cpu, tol, name + " forward");
  Tensor g = Random(y_cpu.shape(), y_cpu.dtype(), -1, 1, 99);
  y_cpu.backward(g);
  y_gpu.backward(g.to(Device::kCuda));
  for (size_t i = 0; i < inputs.size(); ++i) {
    ASSERT_TRUE(gpu_in[i].grad().defined()) << name << " input " << i;
    ExpectNear(gpu_in[i].grad(), cpu_in[i].grad(), tol,
               name + " grad of input " + std::to_string(i));
  }
}

class CudaOpsTest : public ::testing::TestWithParam<DType> {
 protected:
  double Tol() const { return GetParam() == DType::kFloat64 ? 1e-11 : 5e-4; }
  Tensor R(const Shape& s, double lo = -1, double hi = 1, uint64_t seed = 1) const {
    return Random(s, GetParam(), lo, hi, seed);
  }
};

TEST_P(CudaOpsTest, ElementwiseAndBroadcasting) {
  REQUIRE_GPU();
  const Tensor a = R({4, 3, 5}, 0.5, 2, 1), b = R({3, 1}, 0.5, 2, 2);
  CompareOnDevices(
      "Add", [](auto v) { return Add(v[0], v[1]); }, {a, b}, Tol());
  CompareOnDevices(
      "Sub", [](auto v) { return Sub(v[0], v[1]); }, {a, b}, Tol());
  CompareOnDevices(
      "Mul", [](auto v) { return Mul(v[0], v[1]); }, {a, b}, Tol());
  CompareOnDevices(
      "Div", [](auto v) { return Div(v[0], v[1]); }, {a, b}, Tol());
  CompareOnDevices(
      "Maximum", [](auto v) { return Maximum(v[0], v[1]); }, {a, b}, Tol());
  CompareOnDevices(
      "Minimum", [](auto v) { return Minimum(v[0], v[1]); }, {a, b}, Tol());
  CompareOnDevices(
      "scalars", [](auto v) { return Div(2.0, Sub(3.0, Mul(Add(v[0], 1.0), 0.5))); }, {a}, Tol());
  CompareOnDevices(
      "unary chain",
      [](auto v) {
        return Tanh(Sigmoid(Softplus(
            Relu(Sin(Cos(Exp(Log(Sqrt(Abs(Square(Pow(Clamp(v[0], 0.6, 1.8), 1.5))))))))))));
      },
      {a}, Tol() * 10);
  CompareOnDevices(
      "BroadcastTo",
      [](auto v) {
        return BroadcastTo(v[0], {2, 3, 4});
      },
      {R({3, 1})}, Tol());
}

TEST_P(CudaOpsTest, ReductionsMatMulLinearCombination) {
  REQUIRE_GPU();
  const Tensor x = R({6, 5, 7});
  CompareOnDevices(
      "Sum all", [](auto v) { return Sum(v[0]); }, {x}, Tol());
  CompareOnDevices(
      "Sum dims",
      [](auto v) {
        return Sum(v[0], {0, 2}, true);
      },
      {x}, Tol());
  CompareOnDevices(
      "Mean", [](auto v) { return Mean(v[0], {1}); }, {x}, Tol());
  CompareOnDevices(
      "Max dim", [](auto v) { return Max(v[0], 1); }, {x}, Tol());
  CompareOnDevices(
      "Min all", [](auto v) { return Min(v[0]); }, {x}, Tol());
  CompareOnDevices(
      "MatMul", [](auto v) { return MatMul(v[0], v[1]); }, {R({7, 9}), R({9, 4})}, Tol() * 10);
  CompareOnDevices(
      "MatMul batched", [](auto v) { return MatMul(v[0], v[1]); }, {R({3, 7, 9}), R({3, 9, 4})},
      Tol() * 10);
  CompareOnDevices(
      "MatMul shared", [](auto v) { return MatMul(v[0], v[1]); }, {R({3, 7, 9}), R({9, 4})},
      Tol() * 10);
  // One classic RK4 step of dz/dt = tanh(W z) written with LinearCombination.
  const double h = 0.1;
  CompareOnDevices(
      "RK4 step",
      [h](auto v) {
        const Tensor& z = v[0];
        const Tensor& w = v[1];
        auto f = [&w](const Tensor& s) { return Tanh(MatMul(s, w)); };
        Tensor k1 = f(z);
        Tensor k2 = f(LinearCombination(z, {h / 2}, {k1}));
        Tensor k3 = f(LinearCombination(z, {h / 2}, {k2}));
        Tensor k4 = f(LinearCombination(z, {h}, {k3}));
        return LinearCombination(z, {h / 6, h / 3, h / 3, h / 6}, {k1, k2, k3, k4});
      },
      {R({8, 5}), R({5, 5})}, Tol() * 10);
}

TEST_P(CudaOpsTest, NnOps) {
  REQUIRE_GPU();
  const Tensor x = R({2, 4, 7, 6});
  CompareOnDevices(
      "Conv2d",
      [](auto v) {
        return Conv2d(v[0], v[1], v[2], {1, 1});
      },
      {x, R({5, 4, 3, 3}, -1, 1, 3), R({5}, -1, 1, 4)}, Tol() * 10);
  CompareOnDevices(
      "Conv2d strided",
      [](auto v) {
        return Conv2d(v[0], v[1], Tensor(), {2, 1});
      },
      {x, R({3, 4, 3, 3}, -1, 1, 5)}, Tol() * 10);
  CompareOnDevices(
      "Linear", [](auto v) { return Linear(v[0], v[1], v[2]); },
      {R({6, 9}), R({4, 9}, -1, 1, 6), R({4}, -1, 1, 7)}, Tol() * 10);
  CompareOnDevices(
      "GroupNorm", [](auto v) { return GroupNorm(v[0], 2, v[1], v[2]); },
      {x, R({4}, 0.5, 1.5, 8), R({4}, -1, 1, 9)}, Tol() * 100);
  CompareOnDevices(
      "BatchNorm", [](auto v) { return BatchNorm(v[0], Tensor(), Tensor(), v[1], v[2]); },
      {x, R({4}, 0.5, 1.5, 8), R({4}, -1, 1, 9)}, Tol() * 100);
  CompareOnDevices(
      "AvgPool2d",
      [](auto v) {
        return AvgPool2d(v[0], {3, 2, 1});
      },
      {x}, Tol());
  CompareOnDevices(
      "LogSoftmax", [](auto v) { return LogSoftmax(v[0], 1); }, {x}, Tol() * 10);
  CompareOnDevices(
      "CrossEntropy",
      [](auto v) {
        return CrossEntropy(v[0], {0, 3, 1, 1, 2});
      },
      {R({5, 4}, -3, 3, 10)}, Tol() * 10);
  CompareOnDevices(
      "MseLoss", [](auto v) { return MseLoss(v[0], v[1]); }, {R({3, 5}), R({3, 5}, -1, 1, 11)},
      Tol() * 10);
  // A conv ODE block f(z) = GN(conv(relu(GN(conv(z))))) and one Euler step.
  CompareOnDevices(
      "conv ODE block",
      [](auto v) {
        Tensor h = GroupNorm(Conv2d(v[0], v[1], v[2], {1, 1}), 2, Tensor(), Tensor());
        h = GroupNorm(Conv2d(Relu(h), v[1], v[2], {1, 1}), 2, Tensor(), Tensor());
        return LinearCombination(v[0], {0.25}, {h});
      },
      {R({2, 4, 6, 6}), R({4, 4, 3, 3}, -0.5, 0.5, 12), R({4}, -1, 1, 13)}, Tol() * 100);
}

// ZerosLike / OnesLike / FullLike follow their argument onto the GPU (the adjoint and MALI
// build zero adjoints with them).
TEST_P(CudaOpsTest, LikeCreationKeepsTheDevice) {
  REQUIRE_GPU();
  const Tensor x = R({3, 4}).to(Device::kCuda);
  const std::pair<Tensor, double> made[] = {
      {ZerosLike(x), 0.0}, {OnesLike(x), 1.0}, {FullLike(x, -2.5), -2.5}};
  for (const auto& [t, value] : made) {
    EXPECT_EQ(t.device(), Device::kCuda);
    EXPECT_EQ(t.dtype(), GetParam());
    EXPECT_EQ(t.shape(), x.shape());
    for (double v : ToVector(t.to(Device::kCpu))) EXPECT_EQ(v, value);
  }
}

// Where the GPU kernels once differed from the CPU: NaN through Clamp and LogSoftmax (the
// CPU's std::min/std::max comparisons, not fmin/fmax), GroupNorm's dw and db with no
// samples (0, not uninitialised memory), and the error norm of an empty state (0).
TEST_P(CudaOpsTest, NanAndEmptyEdgeCasesMatchTheCpu) {
  REQUIRE_GPU();
  const double nan = std::nan("");
  const Tensor x = FromVector({nan, -2.0, 0.5, 3.0, 0.1, -0.3, 0.2, 0.9}, {2, 4}, GetParam());
  const auto same = [](const Tensor& gpu, const Tensor& cpu, const std::string& what) {
    const std::vector<double> g = ToVector(gpu.to(Device::kCpu)), c = ToVector(cpu);
    ASSERT_EQ(g.size(), c.size()) << what;
    for (size_t i = 0; i < g.size(); ++i) {
      if (std::isnan(c[i])) {
        EXPECT_TRUE(std::isnan(g[i])) << what << " element " << i << " = " << g[i];
      } else {
        EXPECT_NEAR(g[i], c[i], 1e-6 * (1 + std::abs(c[i]))) << what << " element " << i;
      }
    }
  };
  same(Clamp(x.to(Device::kCuda), -1.0, 1.0), Clamp(x, -1.0, 1.0), "Clamp");
  same(LogSoftmax(x.to(Device::kCuda), 1), LogSoftmax(x, 1), "LogSoftmax");

  const Tensor empty = Zeros({0, 4, 3, 3}, GetParam());
  Tensor w = Ones({4}, GetParam()).to(Device::kCuda).set_requires_grad(true);
  Tensor b = Zeros({4}, GetParam()).to(Device::kCuda).set_requires_grad(true);
  Sum(GroupNorm(empty.to(Device::kCuda), 2, w, b)).backward();
  ASSERT_TRUE(w.grad().defined());
  ASSERT_TRUE(b.grad().defined());
  for (double v : ToVector(w.grad().to(Device::kCpu))) EXPECT_EQ(v, 0.0);
  for (double v : ToVector(b.grad().to(Device::kCpu))) EXPECT_EQ(v, 0.0);

  const Tensor z = Zeros({0}, GetParam()).to(Device::kCuda);
  solvers::Tolerances tol;
  EXPECT_EQ(solvers::ErrorNorm(z, Tensor(), z, z, tol), 0.0);
  // A step's verdict in one scalar: the norm, or NaN for a non-finite z_new.
  const Tensor e = FromVector({1e-4, -2e-4}, {2}, GetParam());
  const Tensor z0 = FromVector({1.0, -3.0}, {2}, GetParam());
  const Tensor zn = FromVector({2.0, -1.0}, {2}, GetParam());
  const Tensor zinf = FromVector({2.0, INFINITY}, {2}, GetParam());
  const auto gpu = [](const Tensor& t) { return t.to(Device::kCuda); };
  EXPECT_NEAR(solvers::ErrorNormOfFiniteStep(gpu(e), Tensor(), gpu(z0), gpu(zn), tol),
              solvers::ErrorNormOfFiniteStep(e, Tensor(), z0, zn, tol), 1e-6);
  EXPECT_TRUE(
      std::isnan(solvers::ErrorNormOfFiniteStep(gpu(e), Tensor(), gpu(z0), gpu(zinf), tol)));
}

// Reductions long enough to be split across blocks (Note [Split reductions],
// autograd/cuda/index.h), and the extrema's backward scattering at positions that never left
// the GPU; ArgMax's positions made values there too.
TEST_P(CudaOpsTest, SplitReductionsAndDevicePositionsMatchTheCpu) {
  REQUIRE_GPU();
  const Tensor x = R({3, 70001});
  const double tol = GetParam() == DType::kFloat64 ? 1e-11 : 2e-3;
  CompareOnDevices(
      "Sum all (split)", [](auto v) { return Sum(v[0]); }, {x}, tol);
  CompareOnDevices(
      "Mean dim 1 (split)", [](auto v) { return Mean(v[0], {1}); }, {x}, tol);
  CompareOnDevices(
      "Max all (split)", [](auto v) { return Max(v[0]); }, {x}, Tol());
  CompareOnDevices(
      "Min dim 1 (split)", [](auto v) { return Min(v[0], 1); }, {x}, Tol());
  CompareOnDevices(
      "Max dim 0", [](auto v) { return Max(v[0], 0); }, {x}, Tol());
  const Tensor want = ArgMax(x, 1);
  const Tensor got = ArgMax(x.to(Device::kCuda), 1);
  ASSERT_EQ(got.device(), Device::kCuda);
  EXPECT_EQ(ToVector(got.to(Device::kCpu)), ToVector(want));
}

INSTANTIATE_TEST_SUITE_P(Dtypes, CudaOpsTest, ::testing::Values(DType::kFloat32, DType::kFloat64),
                         [](const auto& info) { return std::string(DTypeName(info.param)); });

}  // namespace
}  // namespace acaode
