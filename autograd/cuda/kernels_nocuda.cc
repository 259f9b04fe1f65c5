// Launchers of elementwise.h, reduce.h and nn_kernels.h for builds without
// the CUDA toolkit: every call throws RuntimeError("... no CUDA device ...").
#include "autograd/cuda/elementwise.h"
#include "autograd/cuda/nn_kernels.h"
#include "autograd/cuda/reduce.h"

namespace acaode {
namespace cuda {

#define ACAODE_NOCUDA(name) RequireDevice("cuda::" #name)

template <class T>
void LaunchUnary(UnaryOp, int64_t, const T*, T*, UnaryParams, Stream) {
  ACAODE_NOCUDA(LaunchUnary);
}
template <class T>
void LaunchUnaryGrad(UnaryGradOp, int64_t, const T*, const T*, T*, UnaryParams, Stream) {
  ACAODE_NOCUDA(LaunchUnaryGrad);
}
template <class T>
void LaunchBinary(BinaryOp, const StridedIndex&, int64_t, const T*, const T*, T*, Stream) {
  ACAODE_NOCUDA(LaunchBinary);
}
template <class T>
void LaunchLinearCombination(int64_t, const T*, int, const double*, const T* const*, T*, Stream) {
  ACAODE_NOCUDA(LaunchLinearCombination);
}
template <class T>
void LaunchAxpy(int64_t, double, const T*, T*, Stream) {
  ACAODE_NOCUDA(LaunchAxpy);
}
template <class T>
void LaunchGather(const StridedIndex&, int64_t, const T*, T*, Stream) {
  ACAODE_NOCUDA(LaunchGather);
}
template <class T>
void LaunchScatter(const StridedIndex&, int64_t, const T*, T*, Stream) {
  ACAODE_NOCUDA(LaunchScatter);
}
template <class Src, class Dst>
void LaunchCast(int64_t, const Src*, Dst*, Stream) {
  ACAODE_NOCUDA(LaunchCast);
}
template <class T>
void LaunchReduce(ReduceOp, const ReduceIndex&, const T*, T*, int64_t*, Stream) {
  ACAODE_NOCUDA(LaunchReduce);
}
template <class T>
void LaunchIm2Col(const ConvGeom&, const T*, T*, Stream) {
  ACAODE_NOCUDA(LaunchIm2Col);
}
template <class T>
void LaunchCol2Im(const ConvGeom&, const T*, T*, Stream) {
  ACAODE_NOCUDA(LaunchCol2Im);
}
template <class T>
void LaunchAvgPool2d(const PoolGeom&, const T*, T*, Stream) {
  ACAODE_NOCUDA(LaunchAvgPool2d);
}
template <class T>
void LaunchAvgPool2dBackward(const PoolGeom&, const T*, T*, Stream) {
  ACAODE_NOCUDA(LaunchAvgPool2dBackward);
}
template <class T>
void LaunchNormStats(const NormLayout&, const T*, double*, double*, Stream) {
  ACAODE_NOCUDA(LaunchNormStats);
}
void LaunchRstd(int64_t, const double*, double, double*, Stream) { ACAODE_NOCUDA(LaunchRstd); }
template <class T>
void LaunchNormApply(const NormLayout&, const T*, const double*, const double*, const T*, const T*,
                     T*, Stream) {
  ACAODE_NOCUDA(LaunchNormApply);
}
int64_t NormBackwardWorkspace(const NormLayout& l) { return 2 * l.n * l.c + 2 * l.num_stats(); }
template <class T>
void LaunchNormBackward(const NormLayout&, const T*, const T*, const double*, const double*,
                        const T*, bool, T*, T*, T*, double*, Stream) {
  ACAODE_NOCUDA(LaunchNormBackward);
}
template <class T>
void LaunchRunningStats(int64_t, const double*, const double*, double, int64_t, T*, T*, Stream) {
  ACAODE_NOCUDA(LaunchRunningStats);
}
template <class T>
void LaunchLogSoftmax(const OriView&, const T*, T*, Stream) {
  ACAODE_NOCUDA(LaunchLogSoftmax);
}
template <class T>
void LaunchLogSoftmaxBackward(const OriView&, const T*, const T*, T*, Stream) {
  ACAODE_NOCUDA(LaunchLogSoftmaxBackward);
}
template <class T>
void LaunchNllLoss(int64_t, int64_t, const T*, const int64_t*, double, T*, Stream) {
  ACAODE_NOCUDA(LaunchNllLoss);
}
template <class T>
void LaunchCrossEntropyBackward(int64_t, int64_t, const T*, const int64_t*, const T*, double, T*,
                                Stream) {
  ACAODE_NOCUDA(LaunchCrossEntropyBackward);
}
template <class T>
void LaunchMse(int64_t, const T*, const T*, double, T*, Stream) {
  ACAODE_NOCUDA(LaunchMse);
}
template <class T>
void LaunchMseBackward(int64_t, const T*, const T*, const T*, double, T*, T*, Stream) {
  ACAODE_NOCUDA(LaunchMseBackward);
}

#define ACAODE_INSTANTIATE(T)                                                                      \
  template void LaunchUnary<T>(UnaryOp, int64_t, const T*, T*, UnaryParams, Stream);               \
  template void LaunchUnaryGrad<T>(UnaryGradOp, int64_t, const T*, const T*, T*, UnaryParams,      \
                                   Stream);                                                        \
  template void LaunchBinary<T>(BinaryOp, const StridedIndex&, int64_t, const T*, const T*, T*,    \
                                Stream);                                                           \
  template void LaunchLinearCombination<T>(int64_t, const T*, int, const double*, const T* const*, \
                                           T*, Stream);                                            \
  template void LaunchAxpy<T>(int64_t, double, const T*, T*, Stream);                              \
  template void LaunchGather<T>(const StridedIndex&, int64_t, const T*, T*, Stream);               \
  template void LaunchScatter<T>(const StridedIndex&, int64_t, const T*, T*, Stream);              \
  template void LaunchReduce<T>(ReduceOp, const ReduceIndex&, const T*, T*, int64_t*, Stream);     \
  template void LaunchIm2Col<T>(const ConvGeom&, const T*, T*, Stream);                            \
  template void LaunchCol2Im<T>(const ConvGeom&, const T*, T*, Stream);                            \
  template void LaunchAvgPool2d<T>(const PoolGeom&, const T*, T*, Stream);                         \
  template void LaunchAvgPool2dBackward<T>(const PoolGeom&, const T*, T*, Stream);                 \
  template void LaunchNormStats<T>(const NormLayout&, const T*, double*, double*, Stream);         \
  template void LaunchNormApply<T>(const NormLayout&, const T*, const double*, const double*,      \
                                   const T*, const T*, T*, Stream);                                \
  template void LaunchNormBackward<T>(const NormLayout&, const T*, const T*, const double*,        \
                                      const double*, const T*, bool, T*, T*, T*, double*, Stream); \
  template void LaunchRunningStats<T>(int64_t, const double*, const double*, double, int64_t, T*,  \
                                      T*, Stream);                                                 \
  template void LaunchLogSoftmax<T>(const OriView&, const T*, T*, Stream);                         \
  template void LaunchLogSoftmaxBackward<T>(const OriView&, const T*, const T*, T*, Stream);       \
  template void LaunchNllLoss<T>(int64_t, int64_t, const T*, const int64_t*, double, T*, Stream);  \
  template void LaunchCrossEntropyBackward<T>(int64_t, int64_t, const T*, const int64_t*,          \
                                              const T*, double, T*, Stream);                       \
  template void LaunchMse<T>(int64_t, const T*, const T*, double, T*, Stream);                     \
  template void LaunchMseBackward<T>(int64_t, const T*, const T*, const T*, double, T*, T*, Stream);
ACAODE_INSTANTIATE(float)
ACAODE_INSTANTIATE(double)
#undef ACAODE_INSTANTIATE
template void LaunchCast<float, double>(int64_t, const float*, double*, Stream);
template void LaunchCast<double, float>(int64_t, const double*, float*, Stream);
template void LaunchCast<float, float>(int64_t, const float*, float*, Stream);
template void LaunchCast<double, double>(int64_t, const double*, double*, Stream);

}  // namespace cuda
}  // namespace acaode
