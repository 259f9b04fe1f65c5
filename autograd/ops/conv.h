// 2-D convolution (NCHW), as in torch.nn.functional.conv2d with groups = 1.
//
//   Tensor x = RandNormal({32, 64, 8, 8}, 0, 1, gen);    // [N, C, H, W]
//   Tensor w = RandNormal({64, 64, 3, 3}, 0, 0.1, gen);  // [O, C, KH, KW]
//   Tensor b = Zeros({64});                              // [O] or undefined
//   Tensor y = Conv2d(x, w, b, {/*stride=*/1, /*padding=*/1});  // [32, 64, 8, 8]
//
// y[n, o, i, j] = b[o] + sum_{c, kh, kw} w[o, c, kh, kw] *
//                 x[n, c, i*stride - padding + kh, j*stride - padding + kw]
// (x is 0 outside the image); OH = (H + 2*padding - KH) / stride + 1.
//
// Implementation: im2col of the whole batch into [C*KH*KW, N*OH*OW] and one
// GEMM (autograd/cpu/im2col.h, autograd/cpu/gemm.h: AVX-512 SGEMM where
// available, else Eigen). Backward: dW = G col^T,
// dcol = W^T G scattered back by col2im, db = sum of G; G is dy laid out as
// [O, N*OH*OW]. The im2col buffer is saved for the weight gradient when the
// weight requires grad (memory C*KH*KW*N*OH*OW elements per recorded call).
//
// Errors (ValueError): x not 4-D, w not 4-D, channel mismatch, bias not of
// shape [O], dtype mismatch, stride < 1, padding < 0, kernel larger than the
// padded image.
#ifndef ACAODE_AUTOGRAD_OPS_CONV_H_
#define ACAODE_AUTOGRAD_OPS_CONV_H_

#include <cstdint>

#include "autograd/tensor.h"

namespace acaode {

struct Conv2dParams {
  int64_t stride = 1;   // same in both spatial dimensions
  int64_t padding = 0;  // zeros on each side of both spatial dimensions
};

// `bias` may be undefined (no bias).
Tensor Conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias,
              Conv2dParams params = {});

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_OPS_CONV_H_
