// The CPU kernels compiled once per instruction set (Note [Kernels per instruction set] in
// autograd/cpu/isa/isa.h), behind one table of function pointers chosen at first use.
//
//   cpu::TanhKernel<double>(x, y, n);                       // y = tanh(x), n elements
//   cpu::GemmKernel<float>(false, true, m, n, k, a, k, b, k, c, n, /*accumulate=*/false);
//   cpu::BiasActivationKernel<double>(y, bias, rows, cols, cpu::Activation::kTanh);
//
// Contracts (all buffers contiguous, row-major, on the host; n, rows, cols >= 0):
// - Gemm: C[M, N] (=|+=) op(A) op(B); op(A) is [M, K] (A stored [K, M] when trans_a), op(B)
//   is [K, N] (B stored [N, K] when trans_b); lda, ldb, ldc are the row strides (in
//   elements) of A, B and C as stored. C must not alias A or B. One thread: the caller
//   splits the work (cpu::Gemm in autograd/cpu/gemm.h does).
// - Tanh: y[i] = tanh(x[i]); y may equal x. Within 4 ulp of the exact value in float64, 3 in
// float32
//   (Note [Vectorised tanh] in kernels_impl.h),
//   NaN in gives NaN out, ±inf gives ±1, the sign of zero is kept.
// - TanhGrad: out[i] = g[i] (1 − y[i]²), the gradient of tanh through its output y.
// - BiasActivation: y[r, c] = act(y[r, c] + bias[c]) in place; bias may be null (no bias).
// - ColumnSum: out[c] = Σ_r x[r, c] (the bias gradient), summed over r in order.
// - LinearActivation: y[rows, out] = act(x[rows, in] w[out, in]^T + bias) in one pass, bit
//   for bit Gemm then BiasActivation, for small products only (Note [Fused small Linear]);
//   false, writing nothing, otherwise.
// - LinearCombination: out[j] = base[j] + Σ_i coeffs[i] terms[i][j] for j in [begin, end),
//   terms added in order (the RK stage combinations; autograd/ops/linear_combination.h).
// - ReluGrad: out[i] = y[i] > 0 ? g[i] : 0, the gradient of ReLU through its output y.
// - AddInto: acc[i] += x[i]. Scale: out[i] = c x[i]. (Exact per element, so every variant
//   gives the same bits.)
// - plane_*: the loops of GroupNorm and BatchNorm over one channel plane (documented in the
//   table below; the orchestration is autograd/cpu/norm_kernels.h).
#ifndef ACAODE_AUTOGRAD_CPU_ISA_KERNELS_H_
#define ACAODE_AUTOGRAD_CPU_ISA_KERNELS_H_

#include <cstdint>
#include <type_traits>

#include "autograd/cpu/isa/isa.h"

namespace acaode {
namespace cpu {

// The activation fused into BiasActivation (and nn's fused Linear).
enum class Activation { kNone = 0, kTanh = 1, kRelu = 2 };

template <class T>
struct KernelsOf {
  void (*gemm)(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda,
               const T* b, int64_t ldb, T* c, int64_t ldc, bool accumulate);
  void (*tanh)(const T* x, T* y, int64_t n);
  void (*tanh_grad)(const T* g, const T* y, T* out, int64_t n);
  void (*bias_activation)(T* y, const T* bias, int64_t rows, int64_t cols, Activation act);
  void (*column_sum)(const T* x, int64_t rows, int64_t cols, T* out);
  bool (*linear_activation)(const T* x, const T* w, const T* bias, T* y, int64_t rows, int64_t in,
                            int64_t out, Activation act);
  void (*linear_combination)(const T* base, const double* coeffs, const T* const* terms,
                             int64_t num_terms, int64_t begin, int64_t end, T* out);
  void (*relu_grad)(const T* g, const T* y, T* out, int64_t n);
  void (*add_into)(T* acc, const T* x, int64_t n);
  void (*scale)(const T* x, T c, T* out, int64_t n);
  // acc += c x, the product rounded before the sum (the bits of scale then add_into).
  void (*add_scaled_into)(T* acc, const T* x, T c, int64_t n);
  // The planes of the norms (one channel of one sample, autograd/cpu/norm_kernels.h), sums in
  // double over 8 interleaved partial sums added in a fixed order:
  double (*plane_sum)(const T* x, int64_t n);                             // Σ x
  double (*plane_squared_deviation)(const T* x, double mean, int64_t n);  // Σ (x − mean)²
  void (*plane_affine)(const T* x, T a, T b, T* y, int64_t n);            // y = x a + b
  // Σ dy and Σ dy·xhat, xhat = (x − mean)·rstd.
  void (*plane_norm_sums)(const T* dy, const T* x, double mean, double rstd, int64_t n,
                          double* sum_dy, double* sum_dy_xhat);
  // dx = rstd (dy w − mean_dxhat − xhat mean_dxhat_xhat), in double per element.
  void (*plane_norm_input_grad)(const T* dy, const T* x, double w, double mean_dxhat,
                                double mean_dxhat_xhat, double mean, double rstd, T* dx, int64_t n);
};

struct CpuKernels {
  Isa isa;
  KernelsOf<float> f32;
  KernelsOf<double> f64;
};

// The table for ActiveIsa().
const CpuKernels& Kernels();
// The table of one variant (tests compare variants); RuntimeError-free: a variant the CPU
// cannot run is still returned, so check SupportedIsa() before calling its kernels.
const CpuKernels& KernelsFor(Isa isa);

template <class T>
const KernelsOf<T>& KernelsOfType(const CpuKernels& k) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "float or double");
  if constexpr (std::is_same_v<T, float>) {
    return k.f32;
  } else {
    return k.f64;
  }
}

template <class T>
void GemmKernel(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a,
                int64_t lda, const T* b, int64_t ldb, T* c, int64_t ldc, bool accumulate) {
  KernelsOfType<T>(Kernels()).gemm(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}
template <class T>
void TanhKernel(const T* x, T* y, int64_t n) {
  KernelsOfType<T>(Kernels()).tanh(x, y, n);
}
template <class T>
void TanhGradKernel(const T* g, const T* y, T* out, int64_t n) {
  KernelsOfType<T>(Kernels()).tanh_grad(g, y, out, n);
}
template <class T>
void ColumnSumKernel(const T* x, int64_t rows, int64_t cols, T* out) {
  KernelsOfType<T>(Kernels()).column_sum(x, rows, cols, out);
}
template <class T>
void BiasActivationKernel(T* y, const T* bias, int64_t rows, int64_t cols, Activation act) {
  KernelsOfType<T>(Kernels()).bias_activation(y, bias, rows, cols, act);
}
template <class T>
void LinearCombinationKernel(const T* base, const double* coeffs, const T* const* terms,
                             int64_t num_terms, int64_t begin, int64_t end, T* out) {
  KernelsOfType<T>(Kernels()).linear_combination(base, coeffs, terms, num_terms, begin, end, out);
}
template <class T>
void ReluGradKernel(const T* g, const T* y, T* out, int64_t n) {
  KernelsOfType<T>(Kernels()).relu_grad(g, y, out, n);
}
template <class T>
void AddIntoKernel(T* acc, const T* x, int64_t n) {
  KernelsOfType<T>(Kernels()).add_into(acc, x, n);
}
template <class T>
void ScaleKernel(const T* x, T c, T* out, int64_t n) {
  KernelsOfType<T>(Kernels()).scale(x, c, out, n);
}
template <class T>
void AddScaledIntoKernel(T* acc, const T* x, T c, int64_t n) {
  KernelsOfType<T>(Kernels()).add_scaled_into(acc, x, c, n);
}
template <class T>
bool LinearActivationKernel(const T* x, const T* w, const T* bias, T* y, int64_t rows, int64_t in,
                            int64_t out, Activation act) {
  return KernelsOfType<T>(Kernels()).linear_activation(x, w, bias, y, rows, in, out, act);
}

}  // namespace cpu
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CPU_ISA_KERNELS_H_
