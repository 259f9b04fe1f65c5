// gemm.h for builds without the CUDA toolkit: every call throws.
#include "autograd/cuda/gemm.h"

namespace acaode {
namespace cuda {

template <class T>
void GemmStridedBatched(bool, bool, int64_t, int64_t, int64_t, const T*, int64_t, const T*, int64_t,
                        T*, int64_t, int64_t, bool, Stream) {
  RequireDevice("cuda::Gemm");
}

template <class T>
void Gemm(bool, bool, int64_t, int64_t, int64_t, const T*, const T*, T*, bool, Stream) {
  RequireDevice("cuda::Gemm");
}

template void Gemm<float>(bool, bool, int64_t, int64_t, int64_t, const float*, const float*, float*,
                          bool, Stream);
template void Gemm<double>(bool, bool, int64_t, int64_t, int64_t, const double*, const double*,
                           double*, bool, Stream);
template void GemmStridedBatched<float>(bool, bool, int64_t, int64_t, int64_t, const float*,
                                        int64_t, const float*, int64_t, float*, int64_t, int64_t,
                                        bool, Stream);
template void GemmStridedBatched<double>(bool, bool, int64_t, int64_t, int64_t, const double*,
                                         int64_t, const double*, int64_t, double*, int64_t, int64_t,
                                         bool, Stream);

}  // namespace cuda
}  // namespace acaode
