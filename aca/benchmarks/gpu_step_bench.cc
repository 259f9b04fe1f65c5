// The GPU check's benchmark (tools/gpu_bundle.sh carries it to a GPU machine): one ACA
// training step — solve, loss = mean(z(T)²), backward — on the CPU and on the GPU, for
//   conv: f(z) = GN(conv(relu(GN(conv(z))))), 3×3 convolutions, 8 groups, z [32, 64, 8, 8],
//         float32, rk4 with h = 0.25 on [0, 1] (the benchmark's conv ODE block);
//   mlp:  f(z) = Linear(tanh(Linear(z))), 64 → 256 → 64, z [512, 64], float32, dopri5 at
//         rtol = atol = 1e-3 on [0, 1];
// and a float64 check: the MLP step's gradients on the GPU against the CPU's (relative
// difference; ACA's replay makes them the same computation, so ~1e-12 is expected).
//
//   gpu_step_bench [--repeats N]     # prints one line per case and "check: ..." last
//
// Exit status: 0 when the GPU ran and the check agreed (< 1e-8), 1 when it did not, 2
// when no GPU is usable (the reason is printed). A benchmark, not a test: no timing is
// asserted.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aca/odeint.h"
#include "autograd/autograd.h"
#include "autograd/cuda/runtime.h"
#include "autograd/nn/activation.h"
#include "autograd/nn/conv.h"
#include "autograd/nn/linear.h"
#include "autograd/nn/norm.h"
#include "autograd/nn/sequential.h"

namespace acaode {
namespace {

using nn::Module;

std::shared_ptr<Module> ConvBlock(DType dtype) {
  Generator gen(1);
  nn::Conv2dOptions conv;
  conv.padding = 1;
  conv.dtype = dtype;
  return std::make_shared<nn::Sequential>(std::vector<std::shared_ptr<Module>>{
      std::make_shared<nn::Conv2d>(64, 64, 3, gen, conv),
      std::make_shared<nn::GroupNorm>(8, 64, 1e-5, true, dtype), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Conv2d>(64, 64, 3, gen, conv),
      std::make_shared<nn::GroupNorm>(8, 64, 1e-5, true, dtype)});
}

std::shared_ptr<Module> Mlp(DType dtype) {
  Generator gen(2);
  return std::make_shared<nn::Sequential>(std::vector<std::shared_ptr<Module>>{
      std::make_shared<nn::Linear>(64, 256, gen, /*bias=*/true, dtype),
      std::make_shared<nn::Tanh>(), std::make_shared<nn::Linear>(256, 64, gen, true, dtype)});
}

struct Case {
  const char* name;
  std::function<std::shared_ptr<Module>(DType)> make;
  Shape z_shape;
  aca::OdeintOptions options;
};

// One training step; returns dL/dθ (on the CPU, as doubles).
std::vector<std::vector<double>> Step(Module& module, const Tensor& z0,
                                      const aca::OdeintOptions& options) {
  module.ZeroGrad();
  aca::DynamicsFn f = [&module](double, const Tensor& z) { return module.Forward(z); };
  absl::StatusOr<aca::OdeintResult> r =
      aca::Odeint(f, module.Parameters(), z0, {0.0, 1.0}, options);
  if (!r.ok()) {
    std::fprintf(stderr, "solve failed: %s\n", r.status().ToString().c_str());
    std::exit(1);
  }
  const Tensor y = r->ys[1];
  Mean(Square(y)).backward();
  std::vector<std::vector<double>> grads;
  for (const Tensor& p : module.Parameters()) grads.push_back(ToVector(p.grad().to(Device::kCpu)));
  return grads;
}

double MedianMs(const std::function<void()>& step, int repeats) {
  step();  // warm-up (caches, cuBLAS handle)
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    step();
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

double MaxRelDiff(const std::vector<std::vector<double>>& a,
                  const std::vector<std::vector<double>>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    double scale = 1e-300, diff = 0;
    for (size_t j = 0; j < a[i].size(); ++j) {
      scale = std::max(scale, std::abs(b[i][j]));
      diff = std::max(diff, std::abs(a[i][j] - b[i][j]));
    }
    worst = std::max(worst, diff / scale);
  }
  return worst;
}

int Main(int argc, char** argv) {
  int repeats = 5;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--repeats") == 0) repeats = std::max(1, std::atoi(argv[i + 1]));
  }
  std::string why;
  if (cuda::DeviceCount(&why) == 0) {
    std::printf("no CUDA device: %s\n", why.c_str());
    return 2;
  }
  aca::OdeintOptions rk4;
  rk4.method = "rk4";
  rk4.step_size = 0.25;
  aca::OdeintOptions dopri5;
  dopri5.rtol = dopri5.atol = 1e-3;
  const Case cases[] = {{"conv", ConvBlock, {32, 64, 8, 8}, rk4}, {"mlp", Mlp, {512, 64}, dopri5}};
  for (const Case& c : cases) {
    double ms[2];
    for (Device device : {Device::kCpu, Device::kCuda}) {
      std::shared_ptr<Module> module = c.make(DType::kFloat32);
      module->To(device);
      Generator gen(3);
      const Tensor z0 = RandNormal(c.z_shape, 0.0, 1.0, gen, DType::kFloat32).to(device);
      ms[device == Device::kCuda] = MedianMs([&] { Step(*module, z0, c.options); },
                                             device == Device::kCuda ? 3 * repeats : repeats);
    }
    std::printf("%-5s ACA training step, float32: cpu %9.2f ms, gpu %8.2f ms, gpu %.1fx faster\n",
                c.name, ms[0], ms[1], ms[0] / ms[1]);
  }
  // float64: the same MLP step on both devices.
  std::vector<std::vector<double>> grads[2];
  for (Device device : {Device::kCpu, Device::kCuda}) {
    std::shared_ptr<Module> module = Mlp(DType::kFloat64);
    module->To(device);
    Generator gen(4);
    const Tensor z0 = RandNormal({64, 64}, 0.0, 1.0, gen, DType::kFloat64).to(device);
    aca::OdeintOptions options;
    options.rtol = options.atol = 1e-8;
    grads[device == Device::kCuda] = Step(*module, z0, options);
  }
  const double diff = MaxRelDiff(grads[1], grads[0]);
  const bool ok = diff < 1e-8;
  std::printf("check: float64 MLP ACA gradients, gpu vs cpu, max relative difference %.2e (%s)\n",
              diff, ok ? "agree" : "DISAGREE");
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace acaode

int main(int argc, char** argv) { return acaode::Main(argc, argv); }
