// Solver overhead benchmark (a binary, not a test): wall time per solve and per step of
// Integrate() on the test problems, the time of one f evaluation, and the solver's own
// cost per step (wall time minus the time spent inside f, measured around each call,
// divided by the trial steps). The same problems through scipy's solve_ivp:
// solvers/benchmarks/scipy_timings.py.
//
//   bazel run -c opt //solvers/benchmarks:solver_benchmark
//
// f is written on raw data for the ODE problems (as scipy's is NumPy on small arrays),
// plus a 64-wide MLP dz/dt = W3 tanh(W2 tanh(W1 z + b1) + b2) + b3 built from autograd ops
// on a batch of 16 two-dimensional states (the neural-ODE case: the solver's overhead
// should be small beside one evaluation).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "autograd/autograd.h"
#include "solvers/integrate.h"

namespace acaode {
namespace solvers {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(const std::function<void()>& fn, int repeats) {
  fn();  // warm up (allocator caches)
  const auto start = Clock::now();
  for (int r = 0; r < repeats; ++r) fn();
  return std::chrono::duration<double>(Clock::now() - start).count() / repeats;
}

template <int N, class Rhs>
DynamicsFn MakeFn(Rhs rhs) {
  return [rhs](double t, const Tensor& z) {
    const double* y = z.data<double>();
    double out[N];
    rhs(t, y, out);
    return FromData(out, z.shape());
  };
}

struct Problem {
  std::string name;
  DynamicsFn f;
  Tensor z0;
  double t1;
};

std::vector<Problem> Problems() {
  std::vector<Problem> p;
  p.push_back({"van_der_pol", MakeFn<2>([](double, const double* y, double* o) {
                 o[0] = y[1];
                 o[1] = (0.15 - y[0] * y[0]) * y[1] - y[0];
               }),
               FromVector({2.0, 0.0}, {2}), 15.0});
  p.push_back({"arenstorf", MakeFn<4>([](double, const double* y, double* o) {
                 const double mu = 0.012277471, mup = 1 - mu;
                 const double d1 = std::pow((y[0] + mu) * (y[0] + mu) + y[1] * y[1], 1.5);
                 const double d2 = std::pow((y[0] - mup) * (y[0] - mup) + y[1] * y[1], 1.5);
                 o[0] = y[2];
                 o[1] = y[3];
                 o[2] = y[0] + 2 * y[3] - mup * (y[0] + mu) / d1 - mu * (y[0] - mup) / d2;
                 o[3] = y[1] - 2 * y[2] - mup * y[1] / d1 - mu * y[1] / d2;
               }),
               FromVector({0.994, 0.0, 0.0, -2.00158510637908252240537862224}, {4}),
               17.0652165601579625588917206249});
  p.push_back({"lotka_volterra", MakeFn<2>([](double, const double* y, double* o) {
                 o[0] = 1.5 * y[0] - y[0] * y[1];
                 o[1] = -3.0 * y[1] + y[0] * y[1];
               }),
               FromVector({10.0, 5.0}, {2}), 15.0});
  // MLP 2 → 64 → 64 → 2 on a batch of 16 states.
  Generator gen(7);
  const Tensor w1 = RandNormal({2, 64}, 0, 0.5, gen), b1 = RandNormal({64}, 0, 0.1, gen);
  const Tensor w2 = RandNormal({64, 64}, 0, 0.125, gen), b2 = RandNormal({64}, 0, 0.1, gen);
  const Tensor w3 = RandNormal({64, 2}, 0, 0.125, gen), b3 = RandNormal({2}, 0, 0.1, gen);
  DynamicsFn mlp = [=](double, const Tensor& z) {
    return Add(MatMul(Tanh(Add(MatMul(Tanh(Add(MatMul(z, w1), b1)), w2), b2)), w3), b3);
  };
  p.push_back({"mlp64_batch16", mlp, RandNormal({16, 2}, 0, 1, gen), 5.0});
  return p;
}

void Run() {
  NoGradGuard no_grad;
  std::printf("%-15s %-7s %6s %7s %6s %11s %11s %11s %9s\n", "problem", "method", "tol", "steps",
              "nfev", "solve_us", "per_step_us", "f_eval_us", "overhead");
  for (const Problem& p : Problems()) {
    const double t_f = Seconds([&] { (void)p.f(0.0, p.z0); }, 20000);
    for (const char* method : {"bosh3", "dopri5", "dopri8"}) {
      for (double tol : {1e-6, 1e-8}) {
        IntegrateOptions options;
        options.method = method;
        options.rtol = tol;
        options.atol = tol;
        options.max_steps = 10000000;
        auto sol = Integrate(p.f, p.z0, {0.0, p.t1}, options);
        if (!sol.ok()) {
          std::printf("%s %s failed: %s\n", p.name.c_str(), method,
                      std::string(sol.status().message()).c_str());
          continue;
        }
        const SolveStats stats = sol->stats;
        const int repeats = std::max(3, static_cast<int>(20000 / (stats.f_evals + 1)));
        const double t_solve = Seconds(
            [&] {
              (void)Integrate(p.f, p.z0, {0.0, p.t1}, options);
            },
            repeats);
        // Time inside f during one solve, measured around each call.
        double inside_f = 0;
        DynamicsFn timed = [&](double t, const Tensor& z) {
          const auto start = Clock::now();
          Tensor out = p.f(t, z);
          inside_f += std::chrono::duration<double>(Clock::now() - start).count();
          return out;
        };
        const double t_timed = Seconds(
            [&] {
              inside_f = 0;
              (void)Integrate(timed, p.z0, {0.0, p.t1}, options);
            },
            1);
        const int64_t trials = stats.accepted_steps + stats.rejected_steps;
        const double per_step = t_solve / trials;
        const double overhead = (t_timed - inside_f) / trials;  // solver's own time per trial
        std::printf("%-15s %-7s %6.0e %7lld %6lld %11.1f %11.2f %11.3f %8.2fus (%.0f%% of step)\n",
                    p.name.c_str(), method, tol, static_cast<long long>(stats.accepted_steps),
                    static_cast<long long>(stats.f_evals), t_solve * 1e6, per_step * 1e6, t_f * 1e6,
                    overhead * 1e6, 100 * overhead / (t_timed / trials));
      }
    }
  }
}

}  // namespace
}  // namespace solvers
}  // namespace acaode

int main() {
  acaode::solvers::Run();
  return 0;
}
