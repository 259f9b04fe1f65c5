#include "autograd/cpu/isa/isa.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace acaode {
namespace cpu {

const char* IsaName(Isa isa) {
  switch (isa) {
    case Isa::kBaseline:
      return "baseline";
    case Isa::kAvx2:
      return "avx2";
    case Isa::kAvx512:
      return "avx512";
  }
  return "unknown";
}

Isa SupportedIsa() {
  static const Isa isa = [] {
    __builtin_cpu_init();
    // x86-64-v4 as the avx512 kernels are compiled (-march=x86-64-v4).
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
      return Isa::kAvx512;
    }
    // x86-64-v3 (-march=x86-64-v3): AVX2, FMA, BMI1/2, F16C, LZCNT, MOVBE.
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
        __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
        __builtin_cpu_supports("f16c") && __builtin_cpu_supports("movbe")) {
      return Isa::kAvx2;
    }
    return Isa::kBaseline;
  }();
  return isa;
}

Isa ActiveIsa() {
  static const Isa isa = [] {
    const Isa supported = SupportedIsa();
    const char* cap = std::getenv("ACAODE_CPU_ISA");
    if (cap == nullptr || cap[0] == '\0') return supported;
    Isa wanted;
    if (std::strcmp(cap, "baseline") == 0) {
      wanted = Isa::kBaseline;
    } else if (std::strcmp(cap, "avx2") == 0) {
      wanted = Isa::kAvx2;
    } else if (std::strcmp(cap, "avx512") == 0) {
      wanted = Isa::kAvx512;
    } else {
      std::fprintf(stderr,
                   "acaode: ignoring ACAODE_CPU_ISA=%s (expected baseline, avx2 or avx512)\n", cap);
      return supported;
    }
    return static_cast<int>(wanted) < static_cast<int>(supported) ? wanted : supported;
  }();
  return isa;
}

}  // namespace cpu
}  // namespace acaode
