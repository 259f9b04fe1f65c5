// What acaode takes from oneDNN besides convolution (autograd/cpu/onednn_conv.h): its
// float32 GEMM, and the thread setup every oneDNN call makes first.
//
//   if (cpu::UseOneDnnSgemm(m, n, k)) {
//     cpu::OneDnnSgemm(false, true, m, n, k, a, b, c, /*accumulate=*/false);
//   }
//
// oneDNN compiles its kernels at run time for the CPU it finds (AVX2, AVX-512, ...), so
// a baseline x86-64 build still multiplies with the widest instructions the machine has.
// Measured on a 2-core AVX-512 Xeon, one thread (autograd/benchmarks/gemm_bench.cc):
// dnnl_sgemm reaches 150-190 GFLOP/s on the products of the 64 -> 256 -> 64 MLP at batch
// 512 (acaode's former AVX-512 micro-kernel 130-155) and 100-150 on 64..256-sized ones
// (Eigen 75-110), but loses on skinny products (N or K of 2, where Eigen's small-product
// path of autograd/cpu/isa/kernels_impl.h stays).
#ifndef ACAODE_AUTOGRAD_CPU_ONEDNN_RUNTIME_H_
#define ACAODE_AUTOGRAD_CPU_ONEDNN_RUNTIME_H_

#include <cstdint>

namespace acaode {
namespace cpu {

// Products with at least this many multiply-adds (and N, K >= kOneDnnSgemmMinSide) go to
// oneDNN.
inline constexpr int64_t kOneDnnSgemmMinWork = int64_t{1} << 16;
inline constexpr int64_t kOneDnnSgemmMinSide = 16;

inline bool UseOneDnnSgemm(int64_t m, int64_t n, int64_t k) {
  return n >= kOneDnnSgemmMinSide && k >= kOneDnnSgemmMinSide && m * n * k >= kOneDnnSgemmMinWork;
}

// C[M, N] (=|+=) op(A) op(B), row-major, with the contract of cpu::Gemm
// (autograd/cpu/gemm.h), through dnnl_sgemm on NumThreads() threads. Throws
// acaode::RuntimeError if oneDNN reports an error.
void OneDnnSgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a,
                 const float* b, float* c, bool accumulate);

// Sets the OpenMP thread count of the calling thread for its next oneDNN call and returns
// it: NumThreads() (autograd/cpu/parallel.h), or 1 in a child of fork(), where the parent's
// OpenMP workers do not exist and waking them would hang. oneDNN runs on OpenMP (Debian's
// build); the setting is per calling thread, so other threads' OpenMP code is untouched.
int PrepareOneDnnThreads();

}  // namespace cpu
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CPU_ONEDNN_RUNTIME_H_
