// Forward + backward wall time and f evaluations of the three gradient methods on an MLP
// neural ODE (a benchmark, not a test):
//   f(z) = tanh(z W1 + b1) W2 + b2, z: [batch, d], dopri5, rtol = atol = 1e-6, float64,
//   t in [0, 1], loss = Σ z(1)².
// Configurations: 2 -> 64 -> 2 on batch 128 and 32 -> 128 -> 32 on batch 256 (issue 5).
// For each method: median wall time over the repeats, f evaluations forward / backward,
// accepted / rejected steps, peak tape and checkpoint bytes, and the gradients' largest
// relative difference from ACA's.
//
//   bazel run -c opt //aca/benchmarks:odeint_benchmark -- [repeats] [--dump=FILE.json]
//
// --dump writes, per configuration, the weights, z0, this library's timings, counts and
// gradients as JSON, for aca/benchmarks/torchdiffeq_reference.py to run torchdiffeq on the
// very same problem and compare.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
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

// {"shape": [...], "data": [...]} with round-trip precision.
std::string Json(const Tensor& t) {
  std::ostringstream os;
  os.precision(17);
  os << "{\"shape\": [";
  for (size_t i = 0; i < t.shape().size(); ++i) os << (i ? ", " : "") << t.shape()[i];
  os << "], \"data\": [";
  const std::vector<double> v = ToVector(t);
  for (size_t i = 0; i < v.size(); ++i) os << (i ? ", " : "") << v[i];
  os << "]}";
  return os.str();
}

// Runs one configuration; appends its JSON object to *json.
void RunConfig(int64_t d, int64_t hidden, int64_t batch, int repeats, std::string* json) {
  Mlp mlp(d, hidden, 42);
  Generator gen(7);
  Tensor z0 = RandNormal({batch, d}, 0.0, 1.0, gen).set_requires_grad(true);
  DynamicsFn f = [&mlp](double t, const Tensor& z) { return mlp(t, z); };
  std::printf(
      "\nMLP %lld -> %lld -> %lld, batch %lld, dopri5, rtol = atol = 1e-6, float64, "
      "t in [0, 1]; median of %d runs\n",
      static_cast<long long>(d), static_cast<long long>(hidden), static_cast<long long>(d),
      static_cast<long long>(batch), repeats);
  std::printf("%-8s %10s %10s %10s %8s %8s %12s %12s %12s\n", "method", "fwd+bwd ms", "f fwd",
              "f bwd", "accepted", "rejected", "tape bytes", "ckpt bytes", "grad vs aca");
  std::vector<Tensor> aca_grads;
  std::ostringstream js;
  js << "{\"d\": " << d << ", \"hidden\": " << hidden << ", \"batch\": " << batch
     << ", \"rtol\": 1e-6, \"atol\": 1e-6, \"t\": [0.0, 1.0], \"w1\": " << Json(mlp.w1)
     << ", \"b1\": " << Json(mlp.b1) << ", \"w2\": " << Json(mlp.w2) << ", \"b2\": " << Json(mlp.b2)
     << ", \"z0\": " << Json(z0.detach()) << ", \"methods\": {";
  bool first_method = true;
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
    std::printf(
        "%-8s %10.2f %10lld %10lld %8lld %8lld %12zu %12zu %12.2e\n", GradientMethodName(method),
        times[times.size() / 2], static_cast<long long>(stats.forward_f_evals),
        static_cast<long long>(stats.backward_f_evals),
        static_cast<long long>(stats.accepted_steps), static_cast<long long>(stats.rejected_steps),
        stats.peak_tape_bytes, stats.checkpoint_bytes, MaxRelDiff(grads, aca_grads));
    js << (first_method ? "" : ", ") << "\"" << GradientMethodName(method)
       << "\": {\"ms\": " << times[times.size() / 2] << ", \"f_fwd\": " << stats.forward_f_evals
       << ", \"f_bwd\": " << stats.backward_f_evals << ", \"grads\": [";
    for (size_t i = 0; i < grads.size(); ++i) js << (i ? ", " : "") << Json(grads[i]);
    js << "]}";
    first_method = false;
  }
  js << "}}";
  if (!json->empty()) *json += ",\n";
  *json += js.str();
}

}  // namespace
}  // namespace aca
}  // namespace acaode

int main(int argc, char** argv) {
  int repeats = 5;
  std::string dump;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--dump=", 0) == 0) {
      dump = arg.substr(7);
    } else {
      repeats = std::max(1, std::atoi(arg.c_str()));
    }
  }
  std::string json;
  acaode::aca::RunConfig(2, 64, 128, repeats, &json);
  acaode::aca::RunConfig(32, 128, 256, repeats, &json);
  if (!dump.empty()) {
    std::ofstream out(dump);
    out << "[" << json << "]\n";
    if (!out) {
      std::fprintf(stderr, "could not write %s\n", dump.c_str());
      return 1;
    }
    std::printf("\nwrote %s\n", dump.c_str());
  }
  return 0;
}
