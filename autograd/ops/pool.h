// 2-D average pooling (NCHW), as torch.nn.functional.avg_pool2d and
// adaptive_avg_pool2d(x, 1).
//
//   Tensor y = AvgPool2d(x, {/*kernel=*/2});           // [N, C, H/2, W/2]
//   Tensor z = AdaptiveAvgPool2d1x1(x);                // [N, C, 1, 1]
//
// AvgPool2d: y[n, c, i, j] = (1 / K^2) * sum_{a, b < K}
//   x[n, c, i*s - p + a, j*s - p + b], with x = 0 in the padding and the
// padding counted in the divisor (PyTorch's count_include_pad = true);
// OH = (H + 2p - K) / s + 1 (floor mode). Backward spreads dy / K^2 back to
// the window. AdaptiveAvgPool2d1x1 is the mean over each H x W plane.
//
// Errors (ValueError): input not 4-D, kernel < 1, stride < 1, padding < 0
// or > K/2 (as PyTorch), kernel larger than the padded image.
#ifndef ACAODE_AUTOGRAD_OPS_POOL_H_
#define ACAODE_AUTOGRAD_OPS_POOL_H_

#include <cstdint>

#include "autograd/tensor.h"

namespace acaode {

struct AvgPool2dParams {
  int64_t kernel = 2;
  int64_t stride = 0;  // 0 means stride = kernel
  int64_t padding = 0;
};

Tensor AvgPool2d(const Tensor& input, AvgPool2dParams params);

// Global average pool: [N, C, H, W] -> [N, C, 1, 1].
Tensor AdaptiveAvgPool2d1x1(const Tensor& input);

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_OPS_POOL_H_
