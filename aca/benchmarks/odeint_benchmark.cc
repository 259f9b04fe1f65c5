// Forward + backward wall time and f evaluations of the three gradient methods on an MLP
// neural ODE (a benchmark, not a test):
//   f(z) = tanh(z W1 + b1) W2 + b2, z: [batch, d], dopri5, rtol = atol = 1e-6, float64,
//   t in [0, 1], loss = Σ z(1)².
// Configurations: 2 -> 64 -> 2 on batch 128 and 32 -> 128 -> 32 on batch 256 (issue 5).
// For each method: median wall time over the repeats, f evaluations forward / backward,
// accepted / rejected steps, peak tape and checkpoint bytes, and the gradients' largest
// relative difference from ACA's.
//
//   bazel run -c opt //aca/benchmarks:odeint_benchmark -- [repeats]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "aca/odeint.h"
#include "autograd/creation.h"
#include "autograd/ops.h"

namespace acaode {
namespace aca {
namespace {

struct Mlp {
  Tensor w1, b1, w2, b2;
  Mlp(int64_t d, int64_t hidden, uint64_t seed) {
    Generator gen(seed);
    const double s1 = 1.0 / std::sqrt(static_cast<double>(d));
    const double s2 = 1.0 / std::sqrt(static_cast<double>(hidden));
    w1 = RandUniform({d, hidden}, -s1, s1, gen).set_requires_grad(true);
    b1 = RandUniform({hidden}, -s1, s1, gen).set_requires_grad(true);
    w2 = RandUniform({hidden, d}, -s2, s2, gen).set_requires_grad(true);
    b2 = RandUniform({d}, -s2, s2, gen).set_requires_grad(true);
  }
  std::vector<Tensor> parameters() const { return {w1, b1, w2, b2}; }
  Tensor operator()(double, const Tensor& z) const {
    return Add(MatMul(Tanh(Add(MatMul(z, w1), b1)), w2), b2);
  }
};

double MaxRelDiff(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const std::vector<double> x = ToVector(a[i]), y = ToVector(b[i]);
    double scale = 1e-300, diff = 0;
    for (size_t j = 0; j < x.size(); ++j) {
      scale = std::max(scale, std::abs(y[j]));
      diff = std::max(diff, std::abs(x[j] - y[j]));
    }
    worst = std::max(worst, diff / scale);
  }
  return worst;
}

void RunConfig(int64_t d, int64_t hidden, int64_t batch, int repeats) {
  Mlp mlp(d, hidden, 42);
  Generator gen(7);
  Tensor z0 = RandNormal({batch, d}, 0.0, 1.0, gen).set_requires_grad(true);
  DynamicsFn f = [&mlp](double t, const Tensor& z) { return mlp(t, z); };
  std::printf("\nMLP %lld -> %lld -> %lld, batch %lld, dopri5, rtol = atol = 1e-6, float64, "
              "t in [0, 1]; median of %d runs\n",
              static_cast<long long>(d), static_cast<long long>(hidden),
              static_cast<long long>(d), static_cast<long long>(batch), repeats);
  std::printf("%-8s %10s %10s %10s %8s %8s %12s %12s %12s\n", "method", "fwd+bwd ms",
              "f fwd", "f bwd", "accepted", "rejected", "tape bytes", "ckpt bytes",
              "grad vs aca");
  std::vector<Tensor> aca_grads;
  for (GradientMethod method :
       {GradientMethod::kAca, GradientMethod::kAdjoint, GradientMethod::kNaive}) {
    OdeintOptions options;
    options.method = "dopri5";
    options.rtol = options.atol = 1e-6;
    options.gradient = method;
    std::vector<double> times;
    SolveStats stats;
    std::vector<Tensor> grads;
    for (int rep = 0; rep < repeats; ++rep) {
      z0.zero_grad();
      for (Tensor p : mlp.parameters()) p.zero_grad();
      const auto start = std::chrono::steady_clock::now();
      absl::StatusOr<OdeintResult> r = Odeint(f, mlp.parameters(), z0, {0.0, 1.0}, options);
      if (!r.ok()) {
        std::printf("%s failed: %s\n", GradientMethodName(method), r.status().ToString().c_str());
        return;
      }
      Sum(Square(r->ys[1])).backward();
      const auto stop = std::chrono::steady_clock::now();
      times.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
      stats = *r->stats;
    }
    grads = {z0.grad().clone()};
    for (const Tensor& p : mlp.parameters()) grads.push_back(p.grad().clone());
    if (method == GradientMethod::kAca) aca_grads = grads;
    std::sort(times.begin(), times.end());
    std::printf("%-8s %10.2f %10lld %10lld %8lld %8lld %12zu %12zu %12.2e\n",
                GradientMethodName(method), times[times.size() / 2],
                static_cast<long long>(stats.forward_f_evals),
                static_cast<long long>(stats.backward_f_evals),
                static_cast<long long>(stats.accepted_steps),
                static_cast<long long>(stats.rejected_steps), stats.peak_tape_bytes,
                stats.checkpoint_bytes, MaxRelDiff(grads, aca_grads));
  }
}

}  // namespace
}  // namespace aca
}  // namespace acaode

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  acaode::aca::RunConfig(2, 64, 128, repeats);
  acaode::aca::RunConfig(32, 128, 256, repeats);
  return 0;
}
