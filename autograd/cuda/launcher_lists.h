// The CUDA backend's typed launchers listed once, by name and parameter types, so that the
// three places that must agree on them are generated from one list:
//   - the CUDA build instantiates each for float and double (elementwise.cu, nn_kernels.cu,
//     reduce.cu: ACAODE_CUDA_INSTANTIATE_LAUNCHERS);
//   - the build without the toolkit defines each as a stub that throws "no CUDA device"
//     and instantiates it the same way (kernels_nocuda.cc).
// The declarations with their documentation stay in elementwise.h, nn_kernels.h and
// reduce.h. A list entry whose types differ from its declaration fails to compile (the
// instantiation names no declared template) or to link (the stub defines another overload).
//
// Adding a launcher: declare it in its header, define it in its .cu, add one line here.
// Each list is X(name, (parameter types)) over an element type T.
#ifndef ACAODE_AUTOGRAD_CUDA_LAUNCHER_LISTS_H_
#define ACAODE_AUTOGRAD_CUDA_LAUNCHER_LISTS_H_

#include "autograd/cuda/elementwise.h"
#include "autograd/cuda/instantiate.h"
#include "autograd/cuda/nn_kernels.h"
#include "autograd/cuda/reduce.h"

// elementwise.h (LaunchCast, over two types, has its own list below).
#define ACAODE_CUDA_ELEMENTWISE_LAUNCHERS(X, T)                                                    \
  X(LaunchUnary, (UnaryOp, int64_t, const T*, T*, UnaryParams, Stream))                            \
  X(LaunchUnaryGrad, (UnaryGradOp, int64_t, const T*, const T*, T*, UnaryParams, Stream))          \
  X(LaunchBinary, (BinaryOp, const StridedIndex&, int64_t, const T*, const T*, T*, Stream))        \
  X(LaunchLinearCombination, (int64_t, const T*, int, const double*, const T* const*, T*, Stream)) \
  X(LaunchAxpy, (int64_t, double, const T*, T*, Stream))                                           \
  X(LaunchGather, (const StridedIndex&, int64_t, const T*, T*, Stream))                            \
  X(LaunchScatter, (const StridedIndex&, int64_t, const T*, T*, Stream))

// nn_kernels.h (LaunchRstd and NormBackwardWorkspace are not typed: written out by hand).
#define ACAODE_CUDA_NN_LAUNCHERS(X, T)                                                            \
  X(LaunchIm2Col, (const ConvGeom&, const T*, T*, Stream))                                        \
  X(LaunchCol2Im, (const ConvGeom&, const T*, T*, Stream))                                        \
  X(LaunchAvgPool2d, (const PoolGeom&, const T*, T*, Stream))                                     \
  X(LaunchAvgPool2dBackward, (const PoolGeom&, const T*, T*, Stream))                             \
  X(LaunchNormStats, (const NormLayout&, const T*, double*, double*, Stream))                     \
  X(LaunchNormApply,                                                                              \
    (const NormLayout&, const T*, const double*, const double*, const T*, const T*, T*, Stream))  \
  X(LaunchNormBackward, (const NormLayout&, const T*, const T*, const double*, const double*,     \
                         const T*, bool, T*, T*, T*, double*, Stream))                            \
  X(LaunchRunningStats, (int64_t, const double*, const double*, double, int64_t, T*, T*, Stream)) \
  X(LaunchLogSoftmax, (const OriView&, const T*, T*, Stream))                                     \
  X(LaunchLogSoftmaxBackward, (const OriView&, const T*, const T*, T*, Stream))                   \
  X(LaunchNllLoss, (int64_t, int64_t, const T*, const int64_t*, double, T*, Stream))              \
  X(LaunchCrossEntropyBackward,                                                                   \
    (int64_t, int64_t, const T*, const int64_t*, const T*, double, T*, Stream))                   \
  X(LaunchMse, (int64_t, const T*, const T*, double, T*, Stream))                                 \
  X(LaunchMseBackward, (int64_t, const T*, const T*, const T*, double, T*, T*, Stream))

// reduce.h
#define ACAODE_CUDA_REDUCE_LAUNCHERS(X, T)                                               \
  X(LaunchReduce, (ReduceOp, const ReduceIndex&, const T*, T*, int64_t*, void*, Stream)) \
  X(LaunchPositionsAsValues, (int64_t, const int64_t*, T*, Stream))                      \
  X(LaunchScatterAtPositions, (const OriView&, const T*, const int64_t*, T*, Stream))

// LaunchCast's (source, destination) element types, and its instantiation for one pair.
#define ACAODE_CUDA_CAST_PAIRS(X) \
  X(float, double) X(double, float) X(float, float) X(double, double)
#define ACAODE_CUDA_INSTANTIATE_CAST(Src, Dst) \
  template void LaunchCast<Src, Dst>(int64_t, const Src*, Dst*, Stream);

#endif  // ACAODE_AUTOGRAD_CUDA_LAUNCHER_LISTS_H_
