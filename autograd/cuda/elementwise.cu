// CUDA elementwise kernels (see elementwise.h). One kernel per dtype and
// shape class; the op is a uniform switch inside (all threads take the same
// branch), which keeps the number of instantiations and the compile time small.
#include "autograd/cuda/elementwise.h"
#include "autograd/cuda/launch.cuh"
#include "autograd/cuda/launcher_lists.h"

namespace acaode {
namespace cuda {
namespace {

template <class T>
__device__ __forceinline__ T SigmoidOf(T v) {
  if (v >= T(0)) return T(1) / (T(1) + exp(-v));
  const T e = exp(v);
  return e / (T(1) + e);
}

template <class T>
__device__ __forceinline__ T ApplyUnary(UnaryOp op, T v, T p0, T p1) {
  switch (op) {
    case UnaryOp::kNeg:
      return -v;
    case UnaryOp::kExp:
      return exp(v);
    case UnaryOp::kLog:
      return log(v);
    case UnaryOp::kSqrt:
      return sqrt(v);
    case UnaryOp::kAbs:
      return fabs(v);
    case UnaryOp::kSquare:
      return v * v;
    case UnaryOp::kTanh:
      return tanh(v);
    case UnaryOp::kSigmoid:
      return SigmoidOf(v);
    case UnaryOp::kRelu:
      return v > T(0) ? v : T(0);
    case UnaryOp::kSoftplus:
      return (v > T(0) ? v : T(0)) + log1p(exp(-fabs(v)));
    case UnaryOp::kSin:
      return sin(v);
    case UnaryOp::kCos:
      return cos(v);
    case UnaryOp::kPow:
      return pow(v, p0);
    case UnaryOp::kClamp: {
      // std::min(std::max(v, lo), hi) as on the CPU: NaN passes through (fmin/fmax drop it).
      const T m = v < p0 ? p0 : v;
      return p1 < m ? p1 : m;
    }
    case UnaryOp::kAddScalar:
      return v + p0;
    case UnaryOp::kMulScalar:
      return v * p0;
    case UnaryOp::kDivScalar:
      return v / p0;
    case UnaryOp::kRSubScalar:
      return p0 - v;
    case UnaryOp::kRDivScalar:
      return p0 / v;
    case UnaryOp::kFill:
      return p0;
  }
  return v;
}

template <class T>
__global__ void UnaryKernel(UnaryOp op, int64_t n, const T* x, T* y, T p0, T p1) {
  ACAODE_GRID_LOOP(i, n) { y[i] = ApplyUnary(op, op == UnaryOp::kFill ? T(0) : x[i], p0, p1); }
}

template <class T>
__device__ __forceinline__ T ApplyUnaryGrad(UnaryGradOp op, T g, T s, T p0, T p1) {
  switch (op) {
    case UnaryGradOp::kPow:
      return p0 == T(0) ? T(0) : g * p0 * pow(s, p0 - T(1));
    case UnaryGradOp::kExp:
      return g * s;
    case UnaryGradOp::kLog:
      return g / s;
    case UnaryGradOp::kSqrt:
      return g / (s + s);
    case UnaryGradOp::kAbs:
      return s > T(0) ? g : (s < T(0) ? -g : T(0));
    case UnaryGradOp::kSquare:
      return (g + g) * s;
    case UnaryGradOp::kTanh:
      return g * (T(1) - s * s);
    case UnaryGradOp::kSigmoid:
      return g * s * (T(1) - s);
    case UnaryGradOp::kRelu:
      return s > T(0) ? g : T(0);
    case UnaryGradOp::kSoftplus:
      return g * SigmoidOf(s);
    case UnaryGradOp::kSin:
      return g * cos(s);
    case UnaryGradOp::kCos:
      return -g * sin(s);
    case UnaryGradOp::kClamp:
      return (s >= p0 && s <= p1) ? g : T(0);
    case UnaryGradOp::kRDivScalar:
      return -p0 * g / (s * s);
  }
  return g;
}

template <class T>
__global__ void UnaryGradKernel(UnaryGradOp op, int64_t n, const T* dy, const T* s, T* dx, T p0,
                                T p1) {
  ACAODE_GRID_LOOP(i, n) { dx[i] = ApplyUnaryGrad(op, dy[i], s[i], p0, p1); }
}

template <class T>
__device__ __forceinline__ T ApplyBinary(BinaryOp op, T p, T q) {
  switch (op) {
    case BinaryOp::kAdd:
      return p + q;
    case BinaryOp::kSub:
      return p - q;
    case BinaryOp::kMul:
      return p * q;
    case BinaryOp::kDiv:
      return p / q;
    case BinaryOp::kMaximum:
      return p > q ? p : q;
    case BinaryOp::kMinimum:
      return p < q ? p : q;
    case BinaryOp::kMaxMask:
      return p == q ? T(0.5) : (p > q ? T(1) : T(0));
    case BinaryOp::kMinMask:
      return p == q ? T(0.5) : (p < q ? T(1) : T(0));
  }
  return p;
}

template <class T>
__global__ void BinarySameKernel(BinaryOp op, int64_t n, const T* a, const T* b, T* out) {
  ACAODE_GRID_LOOP(i, n) { out[i] = ApplyBinary(op, a[i], b[i]); }
}

template <class T>
__global__ void BinaryStridedKernel(BinaryOp op, StridedIndex ix, int64_t n, const T* a, const T* b,
                                    T* out) {
  ACAODE_GRID_LOOP(i, n) {
    int64_t oa, ob;
    ix.Offsets(i, &oa, &ob);
    out[i] = ApplyBinary(op, a[oa], b[ob]);
  }
}

template <class T>
struct LinCombArgs {
  const T* terms[kMaxLinearTerms];
  T coeffs[kMaxLinearTerms];
  int count;
};

template <class T>
__global__ void LinearCombinationKernel(int64_t n, const T* base, LinCombArgs<T> args, T* out) {
  ACAODE_GRID_LOOP(i, n) {
    T acc = base[i];
    for (int t = 0; t < args.count; ++t) acc += args.coeffs[t] * args.terms[t][i];
    out[i] = acc;
  }
}

// alpha x rounded on its own, then added, as on the CPU (autograd/core_kernels.h): the
// explicit round-to-nearest product keeps nvcc from contracting it into an FMA.
__device__ inline float RoundedProduct(float a, float b) { return __fmul_rn(a, b); }
__device__ inline double RoundedProduct(double a, double b) { return __dmul_rn(a, b); }

template <class T>
__global__ void AxpyKernel(int64_t n, T alpha, const T* x, T* y) {
  ACAODE_GRID_LOOP(i, n) { y[i] = y[i] + RoundedProduct(alpha, x[i]); }
}

template <class T>
__global__ void GatherKernel(StridedIndex ix, int64_t n, const T* in, T* out) {
  ACAODE_GRID_LOOP(i, n) { out[i] = in[ix.OffsetA(i)]; }
}

template <class T>
__global__ void ScatterKernel(StridedIndex ix, int64_t n, const T* in, T* out) {
  ACAODE_GRID_LOOP(i, n) { out[ix.OffsetA(i)] = in[i]; }
}

template <class Src, class Dst>
__global__ void CastKernel(int64_t n, const Src* x, Dst* y) {
  ACAODE_GRID_LOOP(i, n) { y[i] = static_cast<Dst>(x[i]); }
}

}  // namespace

template <class T>
void LaunchUnary(UnaryOp op, int64_t n, const T* x, T* y, UnaryParams p, Stream stream) {
  if (n == 0) return;
  UnaryKernel<T><<<GridFor(n), kThreads, 0, stream>>>(op, n, x, y, static_cast<T>(p.p0),
                                                      static_cast<T>(p.p1));
  CheckLaunch("cuda::LaunchUnary");
}

template <class T>
void LaunchUnaryGrad(UnaryGradOp op, int64_t n, const T* dy, const T* saved, T* dx, UnaryParams p,
                     Stream stream) {
  if (n == 0) return;
  UnaryGradKernel<T><<<GridFor(n), kThreads, 0, stream>>>(
      op, n, dy, saved, dx, static_cast<T>(p.p0), static_cast<T>(p.p1));
  CheckLaunch("cuda::LaunchUnaryGrad");
}

template <class T>
void LaunchBinary(BinaryOp op, const StridedIndex& ix, int64_t n_out, const T* a, const T* b,
                  T* out, Stream stream) {
  if (n_out == 0) return;
  const bool same = ix.ndim == 1 && ix.stride_a[0] == 1 && ix.stride_b[0] == 1;
  if (same) {
    BinarySameKernel<T><<<GridFor(n_out), kThreads, 0, stream>>>(op, n_out, a, b, out);
  } else {
    BinaryStridedKernel<T><<<GridFor(n_out), kThreads, 0, stream>>>(op, ix, n_out, a, b, out);
  }
  CheckLaunch("cuda::LaunchBinary");
}

template <class T>
void LaunchLinearCombination(int64_t n, const T* base, int num_terms, const double* coeffs,
                             const T* const* terms, T* out, Stream stream) {
  if (num_terms > kMaxLinearTerms) {
    throw RuntimeError("cuda::LaunchLinearCombination: at most " + std::to_string(kMaxLinearTerms) +
                       " terms, got " + std::to_string(num_terms));
  }
  if (n == 0) return;
  LinCombArgs<T> args{};
  args.count = 0;
  for (int t = 0; t < num_terms; ++t) {
    if (coeffs[t] == 0.0) continue;
    args.terms[args.count] = terms[t];
    args.coeffs[args.count++] = static_cast<T>(coeffs[t]);
  }
  LinearCombinationKernel<T><<<GridFor(n), kThreads, 0, stream>>>(n, base, args, out);
  CheckLaunch("cuda::LaunchLinearCombination");
}

template <class T>
void LaunchAxpy(int64_t n, double alpha, const T* x, T* y, Stream stream) {
  if (n == 0) return;
  AxpyKernel<T><<<GridFor(n), kThreads, 0, stream>>>(n, static_cast<T>(alpha), x, y);
  CheckLaunch("cuda::LaunchAxpy");
}

template <class T>
void LaunchGather(const StridedIndex& ix, int64_t n_out, const T* in, T* out, Stream stream) {
  if (n_out == 0) return;
  GatherKernel<T><<<GridFor(n_out), kThreads, 0, stream>>>(ix, n_out, in, out);
  CheckLaunch("cuda::LaunchGather");
}

template <class T>
void LaunchScatter(const StridedIndex& ix, int64_t n_in, const T* in, T* out, Stream stream) {
  if (n_in == 0) return;
  ScatterKernel<T><<<GridFor(n_in), kThreads, 0, stream>>>(ix, n_in, in, out);
  CheckLaunch("cuda::LaunchScatter");
}

template <class Src, class Dst>
void LaunchCast(int64_t n, const Src* x, Dst* y, Stream stream) {
  if (n == 0) return;
  CastKernel<Src, Dst><<<GridFor(n), kThreads, 0, stream>>>(n, x, y);
  CheckLaunch("cuda::LaunchCast");
}

ACAODE_CUDA_INSTANTIATE_LAUNCHERS(ACAODE_CUDA_ELEMENTWISE_LAUNCHERS)
ACAODE_CUDA_CAST_PAIRS(ACAODE_CUDA_INSTANTIATE_CAST)

}  // namespace cuda
}  // namespace acaode
