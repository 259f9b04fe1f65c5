// Launchers of elementwise.h, reduce.h and nn_kernels.h for builds without
// the CUDA toolkit: every call throws RuntimeError("... no CUDA device ...").
#include "autograd/cuda/launcher_lists.h"

namespace acaode {
namespace cuda {

// Every typed launcher of launcher_lists.h: a stub that throws, instantiated as the CUDA
// build instantiates the real one.
ACAODE_CUDA_ELEMENTWISE_LAUNCHERS(ACAODE_CUDA_DEFINE_STUB, T)
ACAODE_CUDA_NN_LAUNCHERS(ACAODE_CUDA_DEFINE_STUB, T)
ACAODE_CUDA_REDUCE_LAUNCHERS(ACAODE_CUDA_DEFINE_STUB, T)
ACAODE_CUDA_INSTANTIATE_LAUNCHERS(ACAODE_CUDA_ELEMENTWISE_LAUNCHERS)
ACAODE_CUDA_INSTANTIATE_LAUNCHERS(ACAODE_CUDA_NN_LAUNCHERS)
ACAODE_CUDA_INSTANTIATE_LAUNCHERS(ACAODE_CUDA_REDUCE_LAUNCHERS)

// The launchers outside the lists: LaunchCast (two element types) and LaunchRstd (double
// only).
template <class Src, class Dst>
void LaunchCast(int64_t, const Src*, Dst*, Stream) {
  RequireDevice("cuda::LaunchCast");
}
void LaunchRstd(int64_t, const double*, double, double*, Stream) {
  RequireDevice("cuda::LaunchRstd");
}
ACAODE_CUDA_CAST_PAIRS(ACAODE_CUDA_INSTANTIATE_CAST)

}  // namespace cuda
}  // namespace acaode
