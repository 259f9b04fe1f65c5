// Float32 convolution through oneDNN (autograd/cpu/onednn_conv.h) against the float64
// im2col path, which nn_ops_test checks against a direct seven-loop convolution and
// central differences: forward values and all three gradients, on the sizes oneDNN's
// blocked kernels take (channels a multiple of 16) and the ones they do not (3 or 5
// channels, strides, 1x1 and rectangular kernels), with and without bias, and with only
// one of the input and weight gradients wanted.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "autograd/autograd.h"
#include "autograd/cpu/onednn_conv.h"
#include "autograd/cpu/parallel.h"
#include "autograd/ops/conv.h"
#include "gtest/gtest.h"
#include "tests/autograd/grad_check.h"

namespace acaode {
namespace {

using ::acaode::testing::RandInput;
using ::acaode::testing::Reseed;

struct BackendCase {
  Shape x, w;
  int64_t stride, pad;
  bool bias;
  bool need_x = true, need_w = true;
};

void PrintTo(const BackendCase& c, std::ostream* os) {
  *os << "x" << ShapeToString(c.x) << " w" << ShapeToString(c.w) << " stride " << c.stride
      << " pad " << c.pad << (c.bias ? " bias" : "") << (c.need_x ? " dx" : "")
      << (c.need_w ? " dw" : "");
}

// Max |a - b| over max |a|: float32 results against the float64 oracle.
double RelError(const Tensor& exact, const Tensor& approx) {
  const std::vector<double> a = ToVector(exact), b = ToVector(approx);
  EXPECT_EQ(a.size(), b.size());
  double scale = 1e-30, err = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    scale = std::max(scale, std::abs(a[i]));
    err = std::max(err, std::abs(a[i] - b[i]));
  }
  return err / scale;
}

struct ConvRun {
  Tensor y, dx, dw, db;
};

// y = conv(x, w, b) and the gradients of sum(y * r) in `dtype`.
ConvRun RunConv(const BackendCase& c, const std::vector<Tensor>& in, DType dtype) {
  Tensor x = in[0].detach().to(dtype).set_requires_grad(c.need_x);
  Tensor w = in[1].detach().to(dtype).set_requires_grad(c.need_w);
  Tensor b = c.bias ? in[2].detach().to(dtype).set_requires_grad(true) : Tensor();
  Tensor r = in[3].detach().to(dtype);
  ConvRun out;
  out.y = Conv2d(x, w, b, {c.stride, c.pad});
  Sum(Mul(out.y, r)).backward();
  out.dx = x.grad();
  out.dw = w.grad();
  if (c.bias) out.db = b.grad();
  return out;
}

// x, w, b and the output weights r of the loss sum(y * r), uniform in [-1, 1].
std::vector<Tensor> RandomInputs(const BackendCase& c) {
  const int64_t oh = (c.x[2] + 2 * c.pad - c.w[2]) / c.stride + 1;
  const int64_t ow = (c.x[3] + 2 * c.pad - c.w[3]) / c.stride + 1;
  return {RandInput(c.x), RandInput(c.w), RandInput({c.w[0]}), RandInput({c.x[0], c.w[0], oh, ow})};
}

class ConvBackendTest : public ::testing::TestWithParam<BackendCase> {};

TEST_P(ConvBackendTest, Float32MatchesFloat64Im2Col) {
  Reseed(11);
  const BackendCase c = GetParam();
  const std::vector<Tensor> in = RandomInputs(c);
  const ConvRun exact = RunConv(c, in, DType::kFloat64);
  const ConvRun f32 = RunConv(c, in, DType::kFloat32);
  // float32 with sums of up to C*KH*KW (forward, dx) or N*OH*OW (dw) products.
  const double tol = 2e-5;
  EXPECT_LT(RelError(exact.y, f32.y), tol);
  EXPECT_EQ(f32.dx.defined(), c.need_x);
  EXPECT_EQ(f32.dw.defined(), c.need_w);
  if (c.need_x) {
    EXPECT_LT(RelError(exact.dx, f32.dx), tol);
  }
  if (c.need_w) {
    EXPECT_LT(RelError(exact.dw, f32.dw), tol);
  }
  if (c.bias) {
    EXPECT_LT(RelError(exact.db, f32.db), tol);
  }
}

TEST_P(ConvBackendTest, TwoThreadsAgreeWithOne) {
  Reseed(12);
  const BackendCase c = GetParam();
  const std::vector<Tensor> in = RandomInputs(c);
  const int saved = NumThreads();
  SetNumThreads(1);
  const ConvRun one = RunConv(c, in, DType::kFloat32);
  SetNumThreads(2);
  const ConvRun two = RunConv(c, in, DType::kFloat32);
  const ConvRun two_again = RunConv(c, in, DType::kFloat32);
  SetNumThreads(saved);
  EXPECT_LT(RelError(one.y, two.y), 1e-5);
  if (c.need_x) {
    EXPECT_LT(RelError(one.dx, two.dx), 1e-5);
  }
  if (c.need_w) {
    EXPECT_LT(RelError(one.dw, two.dw), 1e-5);
  }
  // Deterministic for a fixed thread count.
  EXPECT_EQ(ToVector(two.y), ToVector(two_again.y));
  if (c.need_w) {
    EXPECT_EQ(ToVector(two.dw), ToVector(two_again.dw));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, ConvBackendTest,
    ::testing::Values(
        // The conv ODE block's layer (blocked kernels), batch cut to 4.
        BackendCase{{4, 64, 8, 8}, {64, 64, 3, 3}, 1, 1, true},
        BackendCase{{2, 16, 8, 8}, {32, 16, 3, 3}, 1, 1, false},
        BackendCase{{2, 32, 7, 5}, {16, 32, 1, 1}, 1, 0, true},
        BackendCase{{2, 16, 9, 9}, {16, 16, 3, 3}, 2, 1, true},
        // Channel counts that are not multiples of 16; rectangular kernels; strides.
        BackendCase{{2, 3, 9, 9}, {16, 3, 3, 3}, 2, 1, true},
        BackendCase{{1, 5, 6, 7}, {3, 5, 3, 2}, 2, 0, false},
        BackendCase{{2, 2, 5, 5}, {2, 2, 5, 5}, 1, 2, true},
        // Only one of the two gradients wanted.
        BackendCase{{2, 16, 8, 8}, {16, 16, 3, 3}, 1, 1, true, true, false},
        BackendCase{{2, 16, 8, 8}, {16, 16, 3, 3}, 1, 1, true, false, true}));

TEST(ConvBackendTest, NamesTheBackend) {
  const std::string name = cpu::ConvBackendName();
  if (cpu::OneDnnConvEnabled()) {
    EXPECT_EQ(name.rfind("onednn ", 0), 0u) << name;
  } else {
    EXPECT_EQ(name, "im2col");
  }
}

TEST(ConvBackendTest, Float32BlockGoesThroughOneDnn) {
  if (!cpu::OneDnnConvEnabled()) GTEST_SKIP() << "ACAODE_CONV=im2col";
  cpu::ConvGeometry g;
  g.batch = 2;
  g.channels = 16;
  g.in_h = g.in_w = g.out_h = g.out_w = 8;
  g.kernel_h = g.kernel_w = 3;
  g.pad_h = g.pad_w = 1;
  std::vector<float> x(2 * 16 * 64, 1.0f), w(16 * 16 * 9, 0.5f), y(2 * 16 * 64, -1.0f);
  ASSERT_TRUE(cpu::OneDnnConvForward(g, 16, x.data(), w.data(), nullptr, y.data()));
  // Interior pixel (3, 3): 16 channels x 9 taps x 0.5; corner (0, 0): 16 x 4 x 0.5.
  EXPECT_FLOAT_EQ(y[3 * 8 + 3], 72.0f);
  EXPECT_FLOAT_EQ(y[0], 32.0f);
}

}  // namespace
}  // namespace acaode
