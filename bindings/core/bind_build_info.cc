#include <pybind11/pybind11.h>

#include "bindings/core/bindings.h"

namespace acaode::bindings {

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
  m.attr("build_info") = info;
}

}  // namespace acaode::bindings
