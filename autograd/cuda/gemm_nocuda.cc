// gemm.h for builds without the CUDA toolkit: every call throws.
#include "autograd/cuda/gemm.h"

namespace acaode {
namespace cuda {

ACAODE_CUDA_GEMM_LAUNCHERS(ACAODE_CUDA_DEFINE_STUB, T)
ACAODE_CUDA_INSTANTIATE_LAUNCHERS(ACAODE_CUDA_GEMM_LAUNCHERS)

}  // namespace cuda
}  // namespace acaode
