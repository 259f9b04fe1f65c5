// Per-op overhead of the autograd core (not a test: prints timings).
//
//   bazel run -c opt //autograd/benchmarks/core:op_overhead_bench
//
// Measures, on tiny tensors where the arithmetic is negligible:
//  * forward of one op without recording (grad mode off),
//  * forward of one op with recording (an input requires grad),
//  * backward per node of a long chain,
// and forward + backward of an MLP 64 -> 64 -> 64 (tanh) on batch 128.
#include <chrono>
#include <cstdio>

#include "autograd/autograd.h"

namespace acaode {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

void OpOverhead() {
  const int n = 200000;
  Tensor x = Ones({4});
  Tensor w = Ones({4}).set_requires_grad(true);
  {
    NoGradGuard no_grad;
    auto t0 = Clock::now();
    for (int i = 0; i < n; ++i) x = Add(x, w);
    auto t1 = Clock::now();
    std::printf("forward, no grad:        %7.1f ns/op\n", 1e9 * Seconds(t0, t1) / n);
  }
  {
    Tensor y = w;
    auto t0 = Clock::now();
    for (int i = 0; i < n; ++i) y = Mul(y, 1.0);
    auto t1 = Clock::now();
    std::printf("forward, recording:      %7.1f ns/op\n", 1e9 * Seconds(t0, t1) / n);
    auto t2 = Clock::now();
    Sum(y).backward();
    auto t3 = Clock::now();
    std::printf("backward:                %7.1f ns/node\n", 1e9 * Seconds(t2, t3) / n);
    auto t4 = Clock::now();
    y = Tensor();
    auto t5 = Clock::now();
    std::printf("graph destruction:       %7.1f ns/node\n", 1e9 * Seconds(t4, t5) / n);
  }
}

void Mlp() {
  Generator gen(0);
  const int batch = 128, width = 64;
  for (DType dtype : {DType::kFloat32, DType::kFloat64}) {
    Tensor x = RandNormal({batch, width}, 0, 1, gen, dtype);
    Tensor w1 = RandNormal({width, width}, 0, 0.1, gen, dtype).set_requires_grad(true);
    Tensor b1 = Zeros({width}, dtype).set_requires_grad(true);
    Tensor w2 = RandNormal({width, width}, 0, 0.1, gen, dtype).set_requires_grad(true);
    Tensor b2 = Zeros({width}, dtype).set_requires_grad(true);
    const int iters = 2000;
    auto t0 = Clock::now();
    for (int i = 0; i < iters; ++i) {
      Tensor h = Tanh(Add(MatMul(x, w1), b1));
      Tensor y = Add(MatMul(h, w2), b2);
      Mean(Square(y)).backward();
    }
    auto t1 = Clock::now();
    std::printf("MLP 64-64-64 batch 128 %s fwd+bwd: %7.1f us/iter\n", DTypeName(dtype),
                1e6 * Seconds(t0, t1) / iters);
  }
}

}  // namespace
}  // namespace acaode

int main() {
  acaode::OpOverhead();
  acaode::Mlp();
  return 0;
}
