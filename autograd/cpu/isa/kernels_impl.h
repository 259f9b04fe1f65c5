// The per-instruction-set kernels, written once (Note [Kernels per instruction set] in
// autograd/cpu/isa/isa.h). Included only by kernels_{baseline,avx2,avx512}.cc, each of
// which defines
//   ACAODE_ISA_NS       the namespace of its variant (baseline, avx2, avx512),
//   ACAODE_ISA_ENUM     its cpu::Isa value,
//   ACAODE_SIMD_BYTES   its vector width in bytes (16, 32, 64),
// and is compiled with its -march. The SIMD code uses GCC/Clang vector extensions, so the
// same source becomes SSE2, AVX2 + FMA or AVX-512 code.
//
// One-definition rule: every variant must keep its code to itself, or the linker could
// pick, say, the AVX-512 copy of an inline function for a call made by baseline code.
// Hence everything here lives in the variant's namespace, Eigen is included under a
// per-variant namespace name (the `#define Eigen` below), and the code uses no standard
// library templates that would be instantiated out of line; the test
// tests/autograd/isa_symbols_test.sh checks the compiled objects for strays.
#ifndef ACAODE_ISA_NS
#error "kernels_impl.h is included only by autograd/cpu/isa/kernels_<isa>.cc"
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "autograd/cpu/isa/kernels.h"

#define ACAODE_ISA_CONCAT2(a, b) a##b
#define ACAODE_ISA_CONCAT(a, b) ACAODE_ISA_CONCAT2(a, b)
// Eigen's templates compiled for this variant get their own namespace (and symbols).
#define Eigen ACAODE_ISA_CONCAT(acaode_eigen_, ACAODE_ISA_NS)
#include <Eigen/Core>

namespace acaode {
namespace cpu {
namespace ACAODE_ISA_NS {
namespace {

#define ACAODE_INLINE inline __attribute__((always_inline))

constexpr int kBytes = ACAODE_SIMD_BYTES;
typedef double VecD __attribute__((vector_size(kBytes)));
typedef float VecF __attribute__((vector_size(kBytes)));
typedef int64_t VecL __attribute__((vector_size(kBytes)));
typedef int32_t VecI __attribute__((vector_size(kBytes)));
constexpr int64_t kLanesD = kBytes / 8;
constexpr int64_t kLanesF = kBytes / 4;

// Every lane = s: lane 0 shuffled into all lanes, which compiles to one broadcast (from
// memory, a load or an FMA's embedded broadcast). The obvious `V{} + s` compiles to a real
// addition of 0 before the broadcast (0 + (−0) is +0, so the compiler may not drop it): an
// extra instruction per broadcast in the GEMM's inner loop, 20-30% of its time.
template <class V, class S>
ACAODE_INLINE V Splat(S s) {
  static_assert(sizeof(V) % sizeof(S) == 0, "a lane type that divides the vector");
  using Indices = decltype(V{} < V{});  // integer lanes of the same width
  const V first = {s};
  return __builtin_shuffle(first, Indices{});
}
template <class V, class T>
ACAODE_INLINE V Load(const T* p) {
  V v;
  std::memcpy(&v, p, sizeof(V));
  return v;
}
template <class V, class T>
ACAODE_INLINE void Store(T* p, V v) {
  std::memcpy(p, &v, sizeof(V));
}

// a · b + c as one fused multiply-add where this variant has the instruction, so that every
// caller rounds alike (left to itself, the compiler contracts a scalar `c += a * b` in some
// inlined copies and not in others); without FMA (baseline), a product then a sum.
template <class T>
ACAODE_INLINE T MulAdd(T a, T b, T c) {
#if defined(__FMA__)
  return std::fma(a, b, c);  // one instruction with -mfma (float: fmaf)
#else
  return a * b + c;
#endif
}

// Lane indices l XOR kWidth (neighbours, pairs, quads ... swapped), as a constant table.
template <class E, int kLanes, int kWidth>
struct XorIndices {
  E lane[kLanes];
  constexpr XorIndices() : lane() {
    for (int l = 0; l < kLanes; ++l) lane[l] = static_cast<E>(l ^ kWidth);
  }
};

// v + v with lanes kWidth apart swapped: lane l holds v[l] + v[l XOR kWidth].
template <int kWidth, class V>
ACAODE_INLINE V AddSwapped(V v) {
  using Indices = decltype(v < v);  // integer lanes of the same width
  using E = decltype(Indices{}[0] + 0);
  static constexpr XorIndices<E, sizeof(V) / sizeof(E), kWidth> kIndices{};
  return v + __builtin_shuffle(v, Load<Indices>(kIndices.lane));
}

// The sum of a vector's lanes as a balanced tree ((l0 + l1) + (l2 + l3)) + ...: a chain of
// log2(lanes) additions where a running sum waits on lanes of them. Level by level in
// registers (AddSwapped with widths 1, 2, 4 ...): lane 0 then holds the tree's partial sum at
// every level (additions commute exactly, so the order is the tree's).
template <int kWidth = 1, class V>
ACAODE_INLINE auto LaneSum(V v) {
  using T = decltype(v[0] + 0);
  if constexpr (kWidth < static_cast<int>(sizeof(V) / sizeof(T))) {
    return LaneSum<kWidth * 2>(AddSwapped<kWidth>(v));
  } else {
    return v[0];
  }
}

// Applies a vector function to n elements: full vectors, then the tail through a
// zero-padded buffer (so every element sees the same vector code).
template <class V, class T, class F>
ACAODE_INLINE void MapVectors(const T* x, T* y, int64_t n, F f) {
  constexpr int64_t lanes = sizeof(V) / sizeof(T);
  int64_t i = 0;
  for (; i + lanes <= n; i += lanes) Store(y + i, f(Load<V>(x + i)));
  if (i < n) {
    T buf[lanes] = {};
    std::memcpy(buf, x + i, sizeof(T) * (n - i));
    Store(buf, f(Load<V>(buf)));
    std::memcpy(y + i, buf, sizeof(T) * (n - i));
  }
}

// Note [Vectorised tanh]: with y = 2|x| (clamped where tanh rounds to 1) and
// y = k ln 2 + r, |r| <= ln 2 / 2, e^y = 2^k e^r and
//   tanh|x| = (e^y − 1) / (e^y + 1) = ((2^k − 1) e^r + (e^r − 1)) / ((2^k + 1) e^r − (e^r − 1)),
// written so that neither numerator nor denominator cancels: for k = 0 it is
// (e^r − 1) / (e^r + 1) with e^r − 1 computed directly, not as a difference. One division
// and no branch per element; the sign of x is copied onto the result.
//
// float64: e^r = N / D with N = Q(r²) + r P(r²), D = Q(r²) − r P(r²) (the Padé form of
// Cephes' exp.c, S. L. Moshier), so e^r − 1 = 2 r P / D and, multiplying through by D,
//   tanh|x| = ((2^k − 1) N + 2 r P) / ((2^k + 1) N − 2 r P).
// float32: e^r − 1 = r + r² P(r) (Cephes' expf.c polynomial), e^r = 1 + that.
// Clamps: tanh(20) and tanh(9) round to 1 in float64 and float32; the clamp keeps 2^k finite.
// NaN passes through every step (the comparisons are false for NaN).
ACAODE_INLINE VecD TanhVec(VecD x) {
  const VecL sign_bit = Splat<VecL>(static_cast<int64_t>(UINT64_C(0x8000000000000000)));
  const VecL bits = (VecL)(x);
  const VecL sign = bits & sign_bit;
  const VecL abs_bits = bits & ~sign_bit;
  VecD y = (VecD)(abs_bits);
  y = y + y;
  y = y > 40.0 ? Splat<VecD>(40.0) : y;
  // k = round(y / ln 2) by the 1.5 · 2^52 trick; its low bits hold k.
  const VecD shifted = y * 1.44269504088896340736 + 6755399441055744.0;
  const VecD kd = shifted - 6755399441055744.0;
  // r = y − k ln 2 with ln 2 split so that k · C1 is exact (Cephes).
  VecD r = y - kd * 6.93145751953125e-1;
  r = r - kd * 1.42860682030941723212e-6;
  const VecD r2 = r * r;
  const VecD p =
      (1.26177193074810590878e-4 * r2 + 3.02994407707441961300e-2) * r2 + 9.99999999999999999910e-1;
  const VecD q = ((3.00198505138664455042e-6 * r2 + 2.52448340349684104192e-3) * r2 +
                  2.27265548208155028766e-1) *
                     r2 +
                 2.00000000000000000009e0;
  const VecD rp = r * p;
  const VecD big_n = q + rp;
  // 2^k from k's bits: ((k + 1023) << 52), k in [0, 58].
  const VecL two_k_bits = ((VecL)(shifted) + 1023) << 52;
  const VecD two_k = (VecD)(two_k_bits);
  const VecD num = (two_k - 1.0) * big_n + (rp + rp);
  const VecD den = (two_k + 1.0) * big_n - (rp + rp);
  const VecD t = num / den;
  const VecL out = (VecL)(t) | sign;
  return (VecD)(out);
}

ACAODE_INLINE VecF TanhVec(VecF x) {
  const VecI sign_bit = Splat<VecI>(static_cast<int32_t>(0x80000000u));
  const VecI bits = (VecI)(x);
  const VecI sign = bits & sign_bit;
  const VecI abs_bits = bits & ~sign_bit;
  VecF y = (VecF)(abs_bits);
  y = y + y;
  y = y > 18.0f ? Splat<VecF>(18.0f) : y;
  const VecF shifted = y * 1.44269504088896341f + 12582912.0f;  // 1.5 · 2^23
  const VecF kd = shifted - 12582912.0f;
  VecF r = y - kd * 0.693359375f;
  r = r - kd * -2.12194440e-4f;
  // e^r − 1 = r + r² P(r)
  const VecF p =
      ((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r + 4.1665795894e-2f) *
           r +
       1.6666665459e-1f) *
          r +
      5.0000001201e-1f;
  const VecF em1 = r + r * r * p;
  const VecI two_k_bits = ((VecI)(shifted) + 127) << 23;
  const VecF two_k = (VecF)(two_k_bits);
  // tanh = (2^k e^r − 1) / (2^k e^r + 1), e^r = 1 + em1.
  const VecF num = (two_k - 1.0f) + two_k * em1;
  const VecF den = (two_k + 1.0f) + two_k * em1;
  const VecF t = num / den;
  const VecI out = (VecI)(t) | sign;
  return (VecF)(out);
}

template <class T>
struct Vec;
template <>
struct Vec<double> {
  using type = VecD;
};
template <>
struct Vec<float> {
  using type = VecF;
};

template <class T>
void Tanh(const T* x, T* y, int64_t n) {
  using V = typename Vec<T>::type;
  MapVectors<V>(x, y, n, [](V v) { return TanhVec(v); });
}

template <class T>
void TanhGrad(const T* g, const T* y, T* out, int64_t n) {
  // d tanh = (1 − tanh²) dx
  for (int64_t i = 0; i < n; ++i) out[i] = g[i] * (T(1) - y[i] * y[i]);
}

// out = [y > 0] g: ReLU's derivative through its output y (0 where y is NaN, as the Relu op
// maps NaN to 0). g is read unconditionally, so the selection compiles to a vector blend:
// a branch per element would mispredict on every sign change.
template <class T>
void ReluGrad(const T* g, const T* y, T* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const T gv = g[i];
    out[i] = y[i] > T(0) ? gv : T(0);
  }
}

// acc += x (the backward engine's gradient accumulation).
template <class T>
void AddInto(T* acc, const T* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) acc[i] += x[i];
}

// out = c x.
template <class T>
void Scale(const T* x, T c, T* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = c * x[i];
}

// v unchanged, but the compiler may no longer fuse the operation that produced it into
// the next one: a product kept rounded on its own instead of contracted into a
// multiply-add.
template <class V>
ACAODE_INLINE V Rounded(V v) {
  __asm__("" : "+v"(v));
  return v;
}

// acc += c x with c x rounded before the sum: the bits of Scale followed by AddInto, in one
// pass and without the temporary (the backward engine's scaled gradient accumulation,
// Node::input_grad_scale).
template <class T>
void AddScaledInto(T* acc, const T* x, T c, int64_t n) {
  using V = typename Vec<T>::type;
  constexpr int64_t lanes = sizeof(V) / sizeof(T);
  const V cv = Splat<V>(c);
  int64_t i = 0;
  for (; i + lanes <= n; i += lanes)
    Store(acc + i, Load<V>(acc + i) + Rounded(cv * Load<V>(x + i)));
  for (; i < n; ++i) acc[i] += Rounded(c * x[i]);
}

template <Activation kAct, class V>
ACAODE_INLINE V Activate(V v) {
  using T = decltype(v[0] + 0);
  if constexpr (kAct == Activation::kTanh) {
    return TanhVec(v);
  } else if constexpr (kAct == Activation::kRelu) {
    return v > T(0) ? v : Splat<V>(T(0));  // max(x, 0) as the Relu op (NaN → 0)
  } else {
    return v;
  }
}

template <Activation kAct, class T>
void BiasActivationImpl(T* y, const T* bias, int64_t rows, int64_t cols) {
  using V = typename Vec<T>::type;
  constexpr int64_t lanes = sizeof(V) / sizeof(T);
  if (cols < lanes && lanes % cols == 0 && rows * cols >= lanes) {
    // Narrow rows (a Linear layer to 2 features): the rows side by side, the bias repeated
    // across a vector; the same arithmetic per element as the row loop below.
    T pattern[lanes];
    for (int64_t l = 0; l < lanes; ++l) pattern[l] = bias != nullptr ? bias[l % cols] : T(0);
    const V b = Load<V>(pattern);
    const int64_t n = rows * cols;
    int64_t i = 0;
    for (; i + lanes <= n; i += lanes) {
      Store(y + i, Activate<kAct>(bias != nullptr ? Load<V>(y + i) + b : Load<V>(y + i)));
    }
    if (i < n) {  // whole rows remain (lanes is a multiple of cols)
      BiasActivationImpl<kAct>(y + i, bias, (n - i) / cols, cols);
    }
    return;
  }
  for (int64_t r = 0; r < rows; ++r) {
    T* row = y + r * cols;
    int64_t c = 0;
    if (bias != nullptr) {
      for (; c + lanes <= cols; c += lanes) {
        Store(row + c, Activate<kAct>(Load<V>(row + c) + Load<V>(bias + c)));
      }
    } else {
      for (; c + lanes <= cols; c += lanes) Store(row + c, Activate<kAct>(Load<V>(row + c)));
    }
    if (c < cols) {
      T buf[lanes] = {};
      T bbuf[lanes] = {};
      std::memcpy(buf, row + c, sizeof(T) * (cols - c));
      if (bias != nullptr) std::memcpy(bbuf, bias + c, sizeof(T) * (cols - c));
      Store(buf, Activate<kAct>(Load<V>(buf) + Load<V>(bbuf)));
      std::memcpy(row + c, buf, sizeof(T) * (cols - c));
    }
  }
}

// BiasActivationImpl's arithmetic on a row of C in registers (RowTimesPanel's epilogue):
// act(acc + bias[col..]), the last cols mod lanes columns through the same padded vector.
template <class T, Activation kAct>
struct BiasActivationEpilogue {
  const T* bias;  // may be null
  template <class V>
  V operator()(V acc, int64_t col) const {
    return Activate<kAct>(bias != nullptr ? acc + Load<V>(bias + col) : acc);
  }
  void Tail(T* row, int64_t col, int64_t count) const {
    BiasActivationImpl<kAct>(row + col, bias != nullptr ? bias + col : nullptr, 1, count);
  }
};

template <class T>
void BiasActivation(T* y, const T* bias, int64_t rows, int64_t cols, Activation act) {
  switch (act) {
    case Activation::kTanh:
      return BiasActivationImpl<Activation::kTanh>(y, bias, rows, cols);
    case Activation::kRelu:
      return BiasActivationImpl<Activation::kRelu>(y, bias, rows, cols);
    case Activation::kNone:
      break;
  }
  BiasActivationImpl<Activation::kNone>(y, bias, rows, cols);
}

// Eigen's GEMM (this variant's copy); op(A) and op(B) as lazy transposes of row-major maps
// with row strides.
template <class T>
void EigenGemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda,
               const T* b, int64_t ldb, T* c, int64_t ldc, bool accumulate) {
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Stride = Eigen::OuterStride<>;
  using ConstMap = Eigen::Map<const Mat, Eigen::Unaligned, Stride>;
  Eigen::Map<Mat, Eigen::Unaligned, Stride> cm(c, m, n, Stride(ldc));
  if (k == 0) {
    if (!accumulate) cm.setZero();
    return;
  }
  const ConstMap am(a, trans_a ? k : m, trans_a ? m : k, Stride(lda));
  const ConstMap bm(b, trans_b ? n : k, trans_b ? k : n, Stride(ldb));
  const auto run = [&](const auto& lhs, const auto& rhs) {
    if (accumulate) {
      cm.noalias() += lhs * rhs;
    } else {
      cm.noalias() = lhs * rhs;
    }
  };
  if (!trans_a && !trans_b) run(am, bm);
  if (!trans_a && trans_b) run(am, bm.transpose());
  if (trans_a && !trans_b) run(am.transpose(), bm);
  if (trans_a && trans_b) run(am.transpose(), bm.transpose());
}

// Note [Small GEMM]: Eigen's GEMM packs both operands into panels and zeroes C before
// its micro-kernel runs; for the small and skinny products of neural-ODE layers (batch 128
// by 2 -> 64 features: K = 2 or N = 2) that overhead is most of the time. Small products
// (at most kSmallGemmMaxMacs multiply-adds, operands fitting the stack buffers) run here
// instead: for C at least two vectors wide, as row-times-panel products (op(B) as a
// contiguous [K, N] panel, packed only when it is not one already; each row of C
// accumulates Σ_k op(A)[i, k] · panel[k, :] in registers, kSmallGemmBlock vectors at a
// time); for narrower C, as dot products of the rows of A with the columns of op(B), or,
// when A is stored transposed, as C^T = op(B)^T A, whose rows are M long.
// Results do not depend on the thread split of cpu::Gemm (each row of C is computed alone).
// With AVX-512 the register-blocked panel product beats Eigen's GEMM up to a few million
// multiply-adds when the panel fits the stack buffer (kernel_bench on the 32 -> 128 -> 32
// MLP's products: 75-85 GFLOP/s against Eigen's 44-58); with 16 vector registers it does
// not, and only small products come here.
constexpr int64_t kSmallGemmMaxMacs = kBytes == 64 ? int64_t{1} << 21 : int64_t{1} << 17;
constexpr int64_t kSmallGemmMaxPanel = 8192;  // elements of a packed operand or of C^T
constexpr int kSmallGemmBlock = 8;            // vectors of C held in registers

// What RowTimesPanel does to a finished row of C before it leaves the registers: nothing
// here; BiasActivationEpilogue fuses Linear's bias and activation.
struct NoEpilogue {
  template <class V>
  V operator()(V acc, int64_t /*col*/) const {
    return acc;
  }
  template <class T>
  void Tail(T* /*row*/, int64_t /*col*/, int64_t /*count*/) const {}
};

// R rows of C, B vectors wide from column j: C[i, j..] (=|+=) Σ_p a(i, p) · panel[p, j..]
// with R·B accumulators in registers, each finished vector through the epilogue. Every
// element accumulates over p in order with one multiply-add per term, whatever R and B.
template <int R, int B, class T, class Epilogue>
ACAODE_INLINE void PanelBlock(const T* const* arows, int64_t a_col, int64_t k, const T* panel,
                              int64_t n, int64_t j, T* const* crows, bool accumulate,
                              const Epilogue& epilogue) {
  using V = typename Vec<T>::type;
  constexpr int64_t lanes = sizeof(V) / sizeof(T);
  V acc[R][B];
  for (int r = 0; r < R; ++r) {
    for (int v = 0; v < B; ++v) {
      acc[r][v] = accumulate ? Load<V>(crows[r] + j + v * lanes) : Splat<V>(T(0));
    }
  }
  for (int64_t p = 0; p < k; ++p) {
    const T* brow = panel + p * n + j;
    V b[B];
    for (int v = 0; v < B; ++v) b[v] = Load<V>(brow + v * lanes);
    for (int r = 0; r < R; ++r) {
      const V aip = Splat<V>(arows[r][p * a_col]);
      for (int v = 0; v < B; ++v) acc[r][v] += aip * b[v];
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int v = 0; v < B; ++v) Store(crows[r] + j + v * lanes, epilogue(acc[r][v], j + v * lanes));
  }
}

// Register blocking of RowTimesPanel: R rows at a time sharing each panel load, B vectors
// of each: 4 x 4 accumulators with 32 vector registers (AVX-512); with 16, one row at a
// time (kSmallGemmBlock vectors), which measured faster there.
constexpr int kPanelRows = kBytes == 64 ? 4 : 1;
constexpr int kPanelVectors = 4;
// Bytes of the panel's block that one pass over k of the row groups reads: two thirds of
// a 48 KiB L1 data cache, leaving room for the rows of A.
constexpr int64_t kPanelPassBytes = 32 * 1024;

// C[i, :] (=|+=) Σ_k a(i, k) · panel[k, :] for i < m; a(i, k) = a[i·lda + k] or, when
// trans_a, a[k·lda + i]; panel contiguous [k, n]. `epilogue` maps each finished vector of
// a row (epilogue(acc, first column)) and then the row's last n mod lanes columns, already
// stored (epilogue.Tail(row, first column, count)).
//
// Column blocks outside, rows inside: a block of the panel (k rows by kPanelVectors vectors,
// 8 KiB for k = 32 in float64) then stays in the L1 cache while every row of A goes past it,
// where sweeping the whole panel for each group of rows streams it from L2 once per group.
// On the 32 -> 128 -> 32 MLP's products (panels of 32 KiB) that measured 5-10% faster
// (kernel_bench, AVX-512: 63-70 -> 66-77 GFLOP/s). Long sums go over k in passes whose
// block of the panel fits in kPanelPassBytes (C is stored between passes and read back):
// the weight gradient of a 32 -> 128 layer at batch 256 (k = 256, a 64 KiB panel that the
// 32 row groups would each stream from L2) went from 55-57 to 67-75 GFLOP/s. Rows go
// kPanelRows at a time (each panel load then feeds several rows' multiply-adds), the last
// m mod kPanelRows one by one; every element accumulates over k in order with one
// multiply-add per term, so the result is the same for any blocking.
template <class T, class Epilogue = NoEpilogue>
void RowTimesPanel(bool trans_a, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda,
                   const T* panel, T* c, int64_t ldc, bool accumulate,
                   const Epilogue& epilogue = {}) {
  using V = typename Vec<T>::type;
  constexpr int64_t lanes = sizeof(V) / sizeof(T);
  const int64_t a_row = trans_a ? 1 : lda, a_col = trans_a ? lda : 1;
  // Rows [0, grouped) kPanelRows at a time, each block B vectors wide from column j, over
  // k in passes of at most kPanelPassBytes of the panel's block (the epilogue on the last).
  const int64_t grouped = kPanelRows > 1 ? m - m % kPanelRows : 0;
  const auto row_groups = [&](auto block_vectors, int64_t j) {
    constexpr int B = decltype(block_vectors)::value;
    constexpr int64_t depth = std::max<int64_t>(1, kPanelPassBytes / (B * sizeof(V)));
    for (int64_t p0 = 0; p0 < k; p0 += depth) {
      const int64_t pass = std::min(depth, k - p0);
      const bool onto_c = accumulate || p0 > 0;
      for (int64_t i = 0; i < grouped; i += kPanelRows) {
        const T* arows[kPanelRows];
        T* crows[kPanelRows];
        for (int r = 0; r < kPanelRows; ++r) {
          arows[r] = a + (i + r) * a_row + p0 * a_col;
          crows[r] = c + (i + r) * ldc;
        }
        if (p0 + pass == k) {
          PanelBlock<kPanelRows, B>(arows, a_col, pass, panel + p0 * n, n, j, crows, onto_c,
                                    epilogue);
        } else {
          PanelBlock<kPanelRows, B>(arows, a_col, pass, panel + p0 * n, n, j, crows, onto_c,
                                    NoEpilogue{});
        }
      }
    }
  };
  // The rows after them one at a time, in blocks of kSmallGemmBlock vectors: one row alone
  // needs that many independent accumulation chains to hide the multiply-add's latency (with
  // kPanelVectors it waited on the latency: dW = dy^T h of a 64 -> 2 layer, two rows of
  // k = 128, took 3x the time of its arithmetic).
  const auto single_rows = [&](auto block_vectors, int64_t j) {
    constexpr int B = decltype(block_vectors)::value;
    for (int64_t i = grouped; i < m; ++i) {
      const T* arow = a + i * a_row;
      T* crow = c + i * ldc;
      PanelBlock<1, B>(&arow, a_col, k, panel, n, j, &crow, accumulate, epilogue);
    }
  };
  // Column blocks of B vectors, then single vectors; both sweeps end at the same column j.
  const auto sweep = [&](const auto& rows, auto block_vectors) {
    constexpr int B = decltype(block_vectors)::value;
    int64_t j = 0;
    for (; j + B * lanes <= n; j += B * lanes) rows(block_vectors, j);
    for (; j + lanes <= n; j += lanes) rows(std::integral_constant<int, 1>{}, j);
  };
  if constexpr (kPanelRows > 1) {
    if (grouped > 0) sweep(row_groups, std::integral_constant<int, kPanelVectors>{});
  }
  if (grouped < m) sweep(single_rows, std::integral_constant<int, kSmallGemmBlock>{});
  const int64_t j = n / lanes * lanes;
  if (j == n) return;
  // The last n mod lanes columns, element by element.
  for (int64_t i = 0; i < m; ++i) {
    const T* arow = a + i * a_row;
    T* crow = c + i * ldc;
    for (int64_t jj = j; jj < n; ++jj) {
      T acc = accumulate ? crow[jj] : T(0);
      for (int64_t p = 0; p < k; ++p) acc = MulAdd(arow[p * a_col], panel[p * n + jj], acc);
      crow[jj] = acc;
    }
    epilogue.Tail(crow, j, n - j);
  }
}

// out[r, c] = x(r, c) for r < rows, c < cols, where x(r, c) = x[r·ld + c] or, when
// transposed, x[c·ld + r]: a contiguous copy of a (possibly transposed) operand.
template <class T>
void PackRows(bool transposed, int64_t rows, int64_t cols, const T* x, int64_t ld, T* out) {
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c)
      out[r * cols + c] = transposed ? x[c * ld + r] : x[r * ld + c];
  }
}

// R rows of A (from row pointer a) against J rows of bt: R·J dot products along k with
// their accumulators in registers, each row of A loaded once for all J. Each dot product
// sums its vector lanes over p in order, then the lanes (LaneSum), then the last k mod
// lanes terms one multiply-add at a time, whatever R and J.
template <int R, int J, class T>
ACAODE_INLINE void DotBlock(const T* a, int64_t lda, const T* bt, int64_t k, T* c, int64_t ldc,
                            bool accumulate) {
  using V = typename Vec<T>::type;
  constexpr int64_t lanes = sizeof(V) / sizeof(T);
  const int64_t k_vec = k / lanes * lanes;
  V acc[R][J];
  for (int r = 0; r < R; ++r) {
    for (int j = 0; j < J; ++j) acc[r][j] = Splat<V>(T(0));
  }
  for (int64_t p = 0; p < k_vec; p += lanes) {
    V bv[J];
    for (int j = 0; j < J; ++j) bv[j] = Load<V>(bt + j * k + p);
    for (int r = 0; r < R; ++r) {
      const V av = Load<V>(a + r * lda + p);
      for (int j = 0; j < J; ++j) acc[r][j] += av * bv[j];
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int j = 0; j < J; ++j) {
      T sum = LaneSum(acc[r][j]);
      for (int64_t p = k_vec; p < k; ++p) sum = MulAdd(a[r * lda + p], bt[j * k + p], sum);
      T& out = c[r * ldc + j];
      out = accumulate ? out + sum : sum;
    }
  }
}

// C[i, j] (=|+=) Σ_p A[i, p] · bt[j, p] for A row-major (row stride lda), bt contiguous
// [n, k]: dot products along k (for narrow C), 4 rows by 2 columns at a time: 8 independent
// accumulation chains (one dot product alone waits on the latency of each multiply-add),
// each row of A loaded once per pair of columns.
template <class T>
void RowDotRows(int64_t m, int64_t n, int64_t k, const T* a, int64_t lda, const T* bt, T* c,
                int64_t ldc, bool accumulate) {
  constexpr int kRows = 4, kCols = 2;
  const auto rows = [&](auto row_count, int64_t i) {
    constexpr int R = decltype(row_count)::value;
    int64_t j = 0;
    for (; j + kCols <= n; j += kCols) {
      DotBlock<R, kCols>(a + i * lda, lda, bt + j * k, k, c + i * ldc + j, ldc, accumulate);
    }
    for (; j < n; ++j)
      DotBlock<R, 1>(a + i * lda, lda, bt + j * k, k, c + i * ldc + j, ldc, accumulate);
  };
  int64_t i = 0;
  for (; i + kRows <= m; i += kRows) rows(std::integral_constant<int, kRows>{}, i);
  for (; i < m; ++i) rows(std::integral_constant<int, 1>{}, i);
}

// Note [Small GEMM]; false when the product is not small (the caller uses Eigen's).
template <class T>
bool SmallGemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda,
               const T* b, int64_t ldb, T* c, int64_t ldc, bool accumulate) {
  constexpr int64_t lanes = sizeof(typename Vec<T>::type) / sizeof(T);
  if (m * n * k > kSmallGemmMaxMacs) return false;
  alignas(64) T pack[kSmallGemmMaxPanel];
  // A stored [K, M] and C written afresh, wider than tall (the weight gradient dy^T h of a
  // 128 -> 32 layer at batch 256: M = 32, N = 128, K = 256): C^T = B^T A, with A as the panel,
  // runs like the weight gradient of a 32 -> 128 layer (kernel_bench, AVX-512: 51-56 ->
  // 61-72 GFLOP/s). Each element is the same multiply-adds in the same order (a·b = b·a),
  // so the result is the panel path's bit for bit; not when accumulating, since adding C^T
  // to C afterwards rounds differently from accumulating onto C.
  const bool wide_transposed = trans_a && !trans_b && !accumulate && m >= 2 * lanes && m < n &&
                               n * m <= kSmallGemmMaxPanel &&
                               (lda == m || k * m <= kSmallGemmMaxPanel);
  if (n >= 2 * lanes && !wide_transposed) {
    // Rows of C times the panel op(B) [K, N].
    const T* panel = b;
    if (trans_b || ldb != n) {
      if (k * n > kSmallGemmMaxPanel) return false;
      PackRows(trans_b, k, n, b, ldb, pack);
      panel = pack;
    }
    RowTimesPanel(trans_a, m, n, k, a, lda, panel, c, ldc, accumulate);
    return true;
  }
  if (!trans_a) {
    // Narrow C, rows of A contiguous: dot products with the rows of op(B)^T [N, K].
    const T* bt = b;
    if (!trans_b || ldb != k) {
      if (k * n > kSmallGemmMaxPanel) return false;
      PackRows(!trans_b, n, k, b, ldb, pack);
      bt = pack;
    }
    RowDotRows(m, n, k, a, lda, bt, c, ldc, accumulate);
    return true;
  }
  // A stored [K, M], C narrow or wide_transposed: C^T [N, M] = op(B)^T A, rows of C^T times
  // the panel A.
  if (n * m > kSmallGemmMaxPanel) return false;
  const T* panel = a;
  alignas(64) T ct[kSmallGemmMaxPanel];
  if (lda != m) {
    if (k * m > kSmallGemmMaxPanel) return false;
    PackRows(false, k, m, a, lda, pack);
    panel = pack;
  }
  RowTimesPanel(!trans_b, n, m, k, b, ldb, panel, ct, m, false);
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      c[i * ldc + j] = accumulate ? c[i * ldc + j] + ct[j * m + i] : ct[j * m + i];
    }
  }
  return true;
}

// Note [Fused small Linear]: y = act(x W^T + b) for a product small enough for SmallGemm's
// row-times-panel path: each row of y is computed, biased and activated in registers and
// stored once, where Gemm followed by BiasActivation writes y, reads it back and writes it
// again (for the 2 -> 64 layer of the benchmark MLP at batch 128, that round trip through
// the cache cost about as much as the multiply). The arithmetic is that of the two calls, in
// the same order, so the results are bit for bit the same. false (nothing written) when the
// product is not small, or y is narrower than two vectors.
template <class T>
bool LinearActivation(const T* x, const T* w, const T* bias, T* y, int64_t rows, int64_t in,
                      int64_t out, Activation act) {
  constexpr int64_t lanes = sizeof(typename Vec<T>::type) / sizeof(T);
  if (in <= 0 || out < 2 * lanes || rows * in * out > kSmallGemmMaxMacs ||
      in * out > kSmallGemmMaxPanel) {
    return false;
  }
  alignas(64) T panel[kSmallGemmMaxPanel];
  PackRows(/*transposed=*/true, in, out, w, in, panel);  // panel[p, j] = w[j, p]
  switch (act) {
    case Activation::kTanh:
      RowTimesPanel(false, rows, out, in, x, in, panel, y, out, false,
                    BiasActivationEpilogue<T, Activation::kTanh>{bias});
      return true;
    case Activation::kRelu:
      RowTimesPanel(false, rows, out, in, x, in, panel, y, out, false,
                    BiasActivationEpilogue<T, Activation::kRelu>{bias});
      return true;
    case Activation::kNone:
      break;
  }
  RowTimesPanel(false, rows, out, in, x, in, panel, y, out, false,
                BiasActivationEpilogue<T, Activation::kNone>{bias});
  return true;
}

template <class T>
void Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda,
          const T* b, int64_t ldb, T* c, int64_t ldc, bool accumulate) {
  if (m <= 0 || n <= 0) return;
  if (k > 0 && SmallGemm(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc, accumulate)) return;
  EigenGemm(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}

// out[j] = base[j] + Σ_i coeffs[i] · terms[i][j] for j in [begin, end), the terms added in
// order, chunk by chunk so that out stays in the L1 cache between terms.
template <class T>
void LinearCombination(const T* base, const double* coeffs, const T* const* terms,
                       int64_t num_terms, int64_t begin, int64_t end, T* out) {
  constexpr int64_t kChunk = 2048;
  for (int64_t s = begin; s < end; s += kChunk) {
    const int64_t e = std::min(end, s + kChunk);
    for (int64_t j = s; j < e; ++j) out[j] = base[j];
    for (int64_t i = 0; i < num_terms; ++i) {
      const T c = static_cast<T>(coeffs[i]);
      const T* t = terms[i];
      for (int64_t j = s; j < e; ++j) out[j] += c * t[j];
    }
  }
}

// out[c] = Σ_r x[r, c] over rows r in order (x contiguous [rows, cols]).
template <class T>
void ColumnSum(const T* x, int64_t rows, int64_t cols, T* out) {
  for (int64_t c = 0; c < cols; ++c) out[c] = T(0);
  for (int64_t r = 0; r < rows; ++r) {
    const T* row = x + r * cols;
    for (int64_t c = 0; c < cols; ++c) out[c] += row[c];
  }
}

// ---- The planes of GroupNorm and BatchNorm (autograd/cpu/norm_kernels.h): one channel of one
// sample, n contiguous elements. Sums are in double over 8 interleaved partial sums added in
// a fixed order at the end: the loop carries no dependency from one term to the next, so it
// vectorises and runs at the throughput of the additions, and the order is the same in every
// variant (only FMA contraction of a product into its sum differs).
template <class Term>
ACAODE_INLINE double EightLaneSum(int64_t n, const Term& term) {
  constexpr int64_t kLanes = 8;
  double lane[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int64_t j = 0; j < kLanes; ++j) lane[j] += term(i + j);
  }
  for (int64_t j = 0; i < n; ++i, ++j) lane[j] += term(i);
  return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

template <class T>
double PlaneSum(const T* x, int64_t n) {
  return EightLaneSum(n, [x](int64_t i) { return static_cast<double>(x[i]); });
}

template <class T>
double PlaneSquaredDeviation(const T* x, double mean, int64_t n) {
  return EightLaneSum(n, [x, mean](int64_t i) {
    const double d = x[i] - mean;
    return d * d;
  });
}

template <class T>
void PlaneAffine(const T* x, T a, T b, T* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] * a + b;
}

template <class T>
void PlaneNormSums(const T* dy, const T* x, double mean, double rstd, int64_t n, double* sum_dy,
                   double* sum_dy_xhat) {
  *sum_dy = EightLaneSum(n, [dy](int64_t i) { return static_cast<double>(dy[i]); });
  *sum_dy_xhat =
      EightLaneSum(n, [dy, x, mean, rstd](int64_t i) { return dy[i] * ((x[i] - mean) * rstd); });
}

template <class T>
void PlaneNormInputGrad(const T* dy, const T* x, double w, double mean_dxhat,
                        double mean_dxhat_xhat, double mean, double rstd, T* dx, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const double xhat = (x[i] - mean) * rstd;
    dx[i] = static_cast<T>(rstd * (dy[i] * w - mean_dxhat - xhat * mean_dxhat_xhat));
  }
}

template <class T>
constexpr KernelsOf<T> MakeKernels() {
  return KernelsOf<T>{&Gemm<T>,
                      &Tanh<T>,
                      &TanhGrad<T>,
                      &BiasActivation<T>,
                      &ColumnSum<T>,
                      &LinearActivation<T>,
                      &LinearCombination<T>,
                      &ReluGrad<T>,
                      &AddInto<T>,
                      &Scale<T>,
                      &AddScaledInto<T>,
                      &PlaneSum<T>,
                      &PlaneSquaredDeviation<T>,
                      &PlaneAffine<T>,
                      &PlaneNormSums<T>,
                      &PlaneNormInputGrad<T>};
}

}  // namespace

extern const CpuKernels kTable;
const CpuKernels kTable = {ACAODE_ISA_ENUM, MakeKernels<float>(), MakeKernels<double>()};

}  // namespace ACAODE_ISA_NS
}  // namespace cpu
}  // namespace acaode
