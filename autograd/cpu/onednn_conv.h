// Float32 2-D convolution through oneDNN (Intel's deep-learning kernel library, the CPU
// convolution backend of PyTorch), on plain NCHW / OIHW buffers.
//
//   if (cpu::OneDnnConvForward(geom, out_c, x, w, b, y)) { /* y written */ }
//   else { /* not available for these sizes: use im2col + GEMM */ }
//
// Note [Convolution through oneDNN]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Why: for the conv ODE block (64 channels, 8x8, batch 32) im2col + GEMM spends as much
// time writing and packing the im2col matrix as multiplying. oneDNN's direct convolution
// works on channel-blocked layouts (nChw16c) with kernels JIT-compiled for the CPU it
// finds at run time (AVX2, AVX-512, ...), so one binary built for baseline x86-64 runs the
// widest kernels the machine has. Measured on a 2-core AVX-512 Xeon, one thread, per
// convolution of that block: forward 750 us (201 GFLOP/s), backward-data 735 us,
// backward-weights 851 us, against about 1850 us for the im2col forward; reordering NCHW
// <-> nChw16c costs about 13 us per tensor. So every call reorders its plain inputs to the
// layouts the primitive asks for, runs it, and reorders the result back; callers keep
// NCHW tensors everywhere.
//
// Contract:
// - Sizes as in cpu::ConvGeometry (autograd/cpu/im2col.h); w is [out_c, C, KH, KW].
// - Each function returns false, writing nothing, when oneDNN is switched off
//   (ACAODE_CONV=im2col in the environment, read once) or has no implementation for the
//   sizes; the caller then uses its im2col path. Errors other than "unimplemented" throw
//   acaode::RuntimeError.
// - Primitives are built once per (pass, sizes) and cached; a call is safe from any thread
//   (scratch memory is per thread). oneDNN runs on OpenMP with NumThreads() threads
//   (autograd/cpu/parallel.h); in a child of fork() it runs on one thread, because the
//   parent's OpenMP workers do not exist there.
// - Results are deterministic for a fixed thread count; they differ from the im2col path
//   by float32 round-off (a different summation order).
#ifndef ACAODE_AUTOGRAD_CPU_ONEDNN_CONV_H_
#define ACAODE_AUTOGRAD_CPU_ONEDNN_CONV_H_

#include <cstdint>
#include <string>

#include "autograd/cpu/im2col.h"

namespace acaode {
namespace cpu {

// Whether convolutions go through oneDNN (false with ACAODE_CONV=im2col).
bool OneDnnConvEnabled();
// "onednn 2.6.3" (the library loaded), or "im2col" when switched off.
std::string ConvBackendName();

// y[N, O, OH, OW] = conv(x, w) + b (b may be null).
bool OneDnnConvForward(const ConvGeometry& g, int64_t out_c, const float* x, const float* w,
                       const float* b, float* y);
// dx[N, C, H, W] = the input gradient for dy[N, O, OH, OW] (overwritten, not accumulated).
bool OneDnnConvBackwardData(const ConvGeometry& g, int64_t out_c, const float* dy, const float* w,
                            float* dx);
// dw[O, C, KH, KW] and db[O] (db may be null) for input x and output gradient dy.
bool OneDnnConvBackwardWeights(const ConvGeometry& g, int64_t out_c, const float* x,
                               const float* dy, float* dw, float* db);

}  // namespace cpu
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_CPU_ONEDNN_CONV_H_
