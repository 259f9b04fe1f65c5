// Benchmark (not a test): forward + backward of
//   (a) an MLP 64 -> 64 -> 64 (Linear, Tanh, Linear) on a batch of 128, and
//   (b) a conv block conv3x3 - GroupNorm(8 groups) - ReLU - conv3x3 on 64
//       channels, 8x8 images, batch 32,
// in float32 on one thread, the input requiring grad (as an ODE state does).
// Prints one JSON object with the microseconds per iteration, measured as
// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID, so time spent
// descheduled on a shared machine does not count), the minimum over repeats
// of the mean of a batch of iterations, which
// nn_bench_compare.py sets side by side with PyTorch.
//
//   bazel run -c opt //autograd/benchmarks:nn_bench
//   bazel run -c opt //autograd/benchmarks:nn_bench -- --seconds=2
//
// Note [nn benchmark results] (2026-12-07, 2-core Xeon with AVX-512, one thread on both
// sides (SetNumThreads(1) / torch.set_num_threads(1)); torch 2.15 CPU; best of 3 rounds of
// thread CPU time, microseconds per iteration, ratio = acaode / torch):
//   MLP fwd+bwd      65    vs   282   0.23
//   MLP fwd          21    vs    47   0.44
//   conv fwd+bwd   5250    vs  8270   0.63
//   conv fwd       1570    vs  2320   0.68
// The conv block is faster than PyTorch's since its float32 convolutions run on oneDNN
// (Winograd for 3x3, Note [Convolution through oneDNN] in autograd/cpu/onednn_conv.h;
// PyTorch uses oneDNN's direct kernels); the MLP through the fused small Linear (Note
// [Fused small Linear]). On 2026-11-30, with im2col + a hand-written AVX-512 SGEMM, the
// ratios were 0.62, 0.99, 1.63 and 2.16.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "autograd/autograd.h"
#include "autograd/benchmarks/timing.h"
#include "autograd/cpu/parallel.h"
#include "autograd/nn/activation.h"
#include "autograd/nn/conv.h"
#include "autograd/nn/linear.h"
#include "autograd/nn/norm.h"
#include "autograd/nn/sequential.h"

namespace acaode {
namespace {

using bench::TimeUs;

int Main(int argc, char** argv) {
  double seconds = 1.0;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--seconds=", 10) == 0) seconds = std::atof(argv[i] + 10);
  }
  // One thread for every op (the core's elementwise kernels would otherwise
  // use the whole thread pool), as torch.set_num_threads(1) on the other side.
  SetNumThreads(1);
  const DType f32 = DType::kFloat32;
  Generator gen(0);

  // (a) MLP
  nn::Sequential mlp({std::make_shared<nn::Linear>(64, 64, gen, true, f32),
                      std::make_shared<nn::Tanh>(),
                      std::make_shared<nn::Linear>(64, 64, gen, true, f32)});
  Tensor xa = RandNormal({128, 64}, 0, 1, gen, f32).set_requires_grad(true);
  auto mlp_step = [&] {
    mlp.ZeroGrad();
    xa.zero_grad();
    Sum(mlp.Forward(xa)).backward();
  };
  auto mlp_fwd = [&] {
    NoGradGuard ng;
    mlp.Forward(xa);
  };

  // (b) conv block
  nn::Conv2dOptions c;
  c.padding = 1;
  c.dtype = f32;
  nn::Sequential block({std::make_shared<nn::Conv2d>(64, 64, 3, gen, c),
                        std::make_shared<nn::GroupNorm>(8, 64, 1e-5, true, f32),
                        std::make_shared<nn::ReLU>(),
                        std::make_shared<nn::Conv2d>(64, 64, 3, gen, c)});
  Tensor xb = RandNormal({32, 64, 8, 8}, 0, 1, gen, f32).set_requires_grad(true);
  auto conv_step = [&] {
    block.ZeroGrad();
    xb.zero_grad();
    Sum(block.Forward(xb)).backward();
  };
  auto conv_fwd = [&] {
    NoGradGuard ng;
    block.Forward(xb);
  };

  const double a_fb = TimeUs(mlp_step, seconds);
  const double a_f = TimeUs(mlp_fwd, seconds);
  const double b_fb = TimeUs(conv_step, seconds);
  const double b_f = TimeUs(conv_fwd, seconds);
  std::printf(
      "{\"impl\": \"acaode\", \"threads\": 1, \"mlp_fwd_bwd_us\": %.2f, \"mlp_fwd_us\": %.2f, "
      "\"conv_fwd_bwd_us\": %.2f, \"conv_fwd_us\": %.2f}\n",
      a_fb, a_f, b_fb, b_f);
  return 0;
}

}  // namespace
}  // namespace acaode

int main(int argc, char** argv) { return acaode::Main(argc, argv); }
