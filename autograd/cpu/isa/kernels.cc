#include "autograd/cpu/isa/kernels.h"

#include "autograd/cpu/isa/isa.h"

namespace acaode {
namespace cpu {

// Defined by kernels_{baseline,avx2,avx512}.cc.
namespace baseline {
extern const CpuKernels kTable;
}
namespace avx2 {
extern const CpuKernels kTable;
}
namespace avx512 {
extern const CpuKernels kTable;
}

const CpuKernels& KernelsFor(Isa isa) {
  switch (isa) {
    case Isa::kAvx512:
      return avx512::kTable;
    case Isa::kAvx2:
      return avx2::kTable;
    case Isa::kBaseline:
      break;
  }
  return baseline::kTable;
}

const CpuKernels& Kernels() {
  static const CpuKernels* table = &KernelsFor(ActiveIsa());
  return *table;
}

}  // namespace cpu
}  // namespace acaode
