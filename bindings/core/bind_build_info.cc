#include <pybind11/pybind11.h>

#include "autograd/cpu/isa/isa.h"
#include "autograd/cpu/onednn_conv.h"
#include "bindings/core/bindings.h"

namespace acaode::bindings {

// acaode.build_info: the compiler, the instruction set the library is compiled for
// ("simd", baseline x86-64 for a portable wheel) and the kernel variant chosen on this CPU
// at import ("cpu_kernels": baseline, avx2 or avx512; Note [Kernels per instruction set]),
// and the float32 convolution backend ("conv": "onednn X.Y.Z (winograd, direct)", or
// "im2col" with ACAODE_CONV=im2col; Note [Convolution through oneDNN]).
void BindBuildInfo(pybind11::module_& m) {
  pybind11::dict info;
  info["compiler"] = __VERSION__;
#if defined(__AVX512F__)
  info["simd"] = "avx512";
#elif defined(__AVX2__)
  info["simd"] = "avx2";
#else
  info["simd"] = "baseline";
#endif
  info["cpu_kernels"] = cpu::IsaName(cpu::ActiveIsa());
  info["conv"] = cpu::ConvBackendName();
  m.attr("build_info") = info;
}

}  // namespace acaode::bindings
