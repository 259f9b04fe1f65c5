// The CPU instruction sets the hot kernels are compiled for, and which one this process uses.
//
//   if (cpu::ActiveIsa() == cpu::Isa::kAvx512) { ... }
//   std::cout << cpu::IsaName(cpu::ActiveIsa());      // "avx2"
//
// Note [Kernels per instruction set]: the library is compiled for baseline x86-64 (SSE2),
// so that it runs on any 64-bit x86 CPU. The kernels where the time goes (GEMM, the
// transcendental activations, the fused Linear + bias + activation) are compiled three
// times from one source (autograd/cpu/isa/kernels_impl.h): for baseline x86-64, for
// x86-64-v3 (AVX2 + FMA) and for x86-64-v4 (AVX-512 F/BW/DQ/VL). At first use the widest
// variant the CPU supports is chosen (the same idea as PyTorch's DispatchStub and NumPy's
// runtime dispatch). The environment variable ACAODE_CPU_ISA=baseline|avx2|avx512 caps the
// choice (for testing every variant on one machine, or comparing them); a cap above what
// the CPU supports is lowered to what it supports.
//
// Results are bit-reproducible for a fixed variant and thread count; different variants
// may differ in the last bits (FMA contraction, vector width of reductions).
#ifndef ACAODE_AUTOGRAD_CPU_ISA_ISA_H_
#define ACAODE_AUTOGRAD_CPU_ISA_ISA_H_

namespace acaode {
namespace cpu {

enum class Isa { kBaseline = 0, kAvx2 = 1, kAvx512 = 2 };

// "baseline", "avx2" or "avx512".
const char* IsaName(Isa isa);

// The widest variant this CPU can run (ignores ACAODE_CPU_ISA).
Isa SupportedIsa();

// The variant in use: SupportedIsa() capped by ACAODE_CPU_ISA (read once, at first call;
// an unknown value is ignored with a message on stderr).
Isa ActiveIsa();

}  // namespace cpu
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CPU_ISA_ISA_H_
