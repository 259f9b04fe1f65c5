// Per-call time of the per-instruction-set kernels (autograd/cpu/isa/kernels.h) on the
// shapes of the benchmark MLPs, for every variant this CPU runs: a benchmark, not a test.
// Times are thread CPU time (robust to other processes on the machine), best of 7 runs.
//
//   bazel run //autograd/benchmarks:kernel_bench
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <vector>

#include "autograd/benchmarks/timing.h"
#include "autograd/cpu/isa/isa.h"
#include "autograd/cpu/isa/kernels.h"

namespace acaode {
namespace {

// Microseconds per call of fn.
double TimeUs(const std::function<void()>& fn) { return bench::TimeUs(fn, 0.15, 7); }

void Run(cpu::Isa isa) {
  const cpu::KernelsOf<double>& k = cpu::KernelsFor(isa).f64;
  std::printf("== %s (float64)\n", cpu::IsaName(isa));
  std::vector<double> x(32768), y(32768), g(32768);
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.37 * i) * 3;
  for (int64_t n : {8192, 32768}) {
    const double us = TimeUs([&] { k.tanh(x.data(), y.data(), n); });
    std::printf("tanh n=%-6lld %8.2f us  %6.3f ns/elem\n", static_cast<long long>(n), us,
                1e3 * us / n);
  }
  {
    const double us = TimeUs([&] { k.tanh_grad(g.data(), y.data(), x.data(), 8192); });
    std::printf("tanh_grad n=8192 %8.2f us\n", us);
  }
  // In place on a buffer (a copy per call would cost more than the kernel: glibc's memcpy
  // of 64 KiB takes ~20 us on some AMD CPUs).
  std::vector<double> bias_rows(256, 0.1);
  for (auto [rows, cols] : {std::pair<int64_t, int64_t>{128, 64}, {256, 128}}) {
    std::copy(x.begin(), x.begin() + rows * cols, y.begin());
    const double us = TimeUs(
        [&] { k.bias_activation(y.data(), bias_rows.data(), rows, cols, cpu::Activation::kTanh); });
    std::printf("bias+tanh %lldx%lld %8.2f us  %6.3f ns/elem\n", static_cast<long long>(rows),
                static_cast<long long>(cols), us, 1e3 * us / (rows * cols));
  }
  struct Shape {
    int64_t m, n, k;
    bool ta, tb;
    const char* what;
  };
  const Shape shapes[] = {
      {128, 64, 2, false, true, "2->64 fwd x W1^T"}, {128, 2, 64, false, true, "64->2 fwd h W2^T"},
      {128, 64, 2, false, false, "dh = dy W2"},      {2, 64, 128, true, false, "dW2 = dy^T h"},
      {128, 2, 64, false, false, "dx = dp W1"},      {64, 2, 128, true, false, "dW1 = dp^T x"},
      {256, 128, 32, false, true, "32->128 fwd"},    {256, 32, 128, false, true, "128->32 fwd"},
      {256, 32, 128, false, false, "dx 128->32"},    {128, 32, 256, true, false, "dW 32->128"},
      {32, 128, 256, true, false, "dW 128->32"},
  };
  std::vector<double> a(65536), b(65536), c(65536);
  for (size_t i = 0; i < a.size(); ++i) a[i] = b[i] = std::cos(0.1 * i);
  for (const Shape& s : shapes) {
    const double us = TimeUs([&] {
      k.gemm(s.ta, s.tb, s.m, s.n, s.k, a.data(), s.ta ? s.m : s.k, b.data(), s.tb ? s.k : s.n,
             c.data(), s.n, false);
    });
    const double gflops = 2.0 * s.m * s.n * s.k / us * 1e-3;
    std::printf("gemm %4lldx%-4lldx%-4lld %-18s %8.2f us %7.2f GFLOP/s\n",
                static_cast<long long>(s.m), static_cast<long long>(s.n),
                static_cast<long long>(s.k), s.what, us, gflops);
  }
  // The fused Linear (+ bias + activation) on the 32 -> 128 -> 32 MLP's layers.
  std::vector<double> bias(256, 0.1);
  for (auto [in, out] : {std::pair<int64_t, int64_t>{32, 128}, {128, 32}}) {
    for (auto [act, name] :
         {std::pair<cpu::Activation, const char*>{cpu::Activation::kNone, "none"},
          {cpu::Activation::kTanh, "tanh"}}) {
      const int64_t rows = 256;
      const double us = TimeUs([&] {
        k.linear_activation(a.data(), b.data(), bias.data(), c.data(), rows, in, out, act);
      });
      std::printf("linear %lldx%lld->%-4lld %-5s %8.2f us %7.2f GFLOP/s\n",
                  static_cast<long long>(rows), static_cast<long long>(in),
                  static_cast<long long>(out), name, us, 2.0 * rows * in * out / us * 1e-3);
    }
  }
}

}  // namespace
}  // namespace acaode

int main() {
  using acaode::cpu::Isa;
  for (Isa isa : {Isa::kBaseline, Isa::kAvx2, Isa::kAvx512}) {
    if (static_cast<int>(isa) <= static_cast<int>(acaode::cpu::SupportedIsa())) {
      acaode::Run(isa);
    }
  }
  return 0;
}
