// Float32 GEMM on the shapes of the benchmark MLPs: Eigen's (the per-instruction-set kernel
// of autograd/cpu/isa/kernels.h, active variant) against oneDNN's dnnl_sgemm, one thread
// each. A benchmark, not a test: it decides which products cpu::Gemm gives to oneDNN
// (autograd/cpu/onednn_runtime.h); GFLOP/s printed.
//
//   bazel run -c opt //autograd/benchmarks:gemm_bench
#include <cstdint>
#include <cstdio>
#include <vector>

#include "autograd/benchmarks/timing.h"
#include "autograd/cpu/isa/kernels.h"
#include "autograd/cpu/parallel.h"
#include "oneapi/dnnl/dnnl.h"

namespace acaode {
namespace {

struct Shape {
  bool ta, tb;
  int64_t m, n, k;
};

void Run(const Shape& s) {
  std::vector<float> a(s.m * s.k), b(s.k * s.n), c(s.m * s.n);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>((i * 7919 % 1000) * 1e-3);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>((i * 104729 % 1000) * 1e-3);
  const double flops = 2.0 * s.m * s.n * s.k;
  const int64_t lda = s.ta ? s.m : s.k, ldb = s.tb ? s.k : s.n;
  const double ours = bench::TimeUs(
      [&] {
        cpu::GemmKernel<float>(s.ta, s.tb, s.m, s.n, s.k, a.data(), lda, b.data(), ldb, c.data(),
                               s.n, false);
      },
      0.2, 5);
  const double dnnl = bench::TimeUs(
      [&] {
        dnnl_sgemm(s.ta ? 'T' : 'N', s.tb ? 'T' : 'N', s.m, s.n, s.k, 1.0f, a.data(), lda, b.data(),
                   ldb, 0.0f, c.data(), s.n);
      },
      0.2, 5);
  std::printf(
      "%c%c m=%4ld n=%4ld k=%4ld  eigen %7.1f us %6.1f GF/s   dnnl_sgemm %7.1f us %6.1f GF/s\n",
      s.ta ? 'T' : 'N', s.tb ? 'T' : 'N', static_cast<long>(s.m), static_cast<long>(s.n),
      static_cast<long>(s.k), ours, flops / ours * 1e-3, dnnl, flops / dnnl * 1e-3);
}

}  // namespace
}  // namespace acaode

int main() {
  acaode::SetNumThreads(1);
  // mlp_wide_f32 (64 -> 256 -> 64, batch 512): the forward and backward products.
  for (const acaode::Shape& s : std::vector<acaode::Shape>{{false, true, 512, 256, 64},
                                                           {false, true, 512, 64, 256},
                                                           {false, false, 512, 256, 64},
                                                           {false, false, 512, 64, 256},
                                                           {true, false, 64, 256, 512},
                                                           {true, false, 256, 64, 512},
                                                           // smaller products
                                                           {false, true, 256, 128, 32},
                                                           {false, true, 128, 64, 64},
                                                           {false, true, 64, 64, 16},
                                                           {false, false, 128, 2, 64},
                                                           {false, true, 128, 64, 2}}) {
    acaode::Run(s);
  }
  return 0;
}
