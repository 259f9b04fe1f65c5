// Normalization ops: group norm and batch norm, as in
// torch.nn.functional.group_norm / batch_norm.
//
//   Tensor y = GroupNorm(x, /*num_groups=*/8, gamma, beta);     // x [N, C, ...]
//   Tensor z = BatchNorm(x, running_mean, running_var, gamma, beta,
//                        {/*training=*/true, /*momentum=*/0.1, /*eps=*/1e-5});
//
// Both compute y = (x - mean) / sqrt(var + eps) * weight[c] + bias[c] with
// the biased variance; weight and bias ([C]) may be undefined (1 and 0).
// GroupNorm: mean/var per sample over the C/G channels of each group and
// all spatial positions. BatchNorm: per channel over the batch and spatial
// positions (training, or when no running statistics are given), else the
// running statistics (eval). In training, defined running statistics are
// updated in place (no autograd):
//   running_mean = (1 - momentum) running_mean + momentum mean
//   running_var  = (1 - momentum) running_var  + momentum var * M / (M - 1)
// (unbiased variance, M = N * spatial size), as PyTorch does.
// Backward: see autograd/cpu/norm_kernels.h.
//
// Errors (ValueError): input with fewer than 2 dims, C not divisible by G,
// weight/bias/running stats not of shape [C] or of another dtype, training
// BatchNorm with one value per channel, eps <= 0.
#ifndef ACAODE_AUTOGRAD_OPS_NORM_H_
#define ACAODE_AUTOGRAD_OPS_NORM_H_

#include <cstdint>

#include "autograd/tensor.h"

namespace acaode {

Tensor GroupNorm(const Tensor& input, int64_t num_groups, const Tensor& weight, const Tensor& bias,
                 double eps = 1e-5);

struct BatchNormParams {
  bool training = true;
  double momentum = 0.1;
  double eps = 1e-5;
};

// running_mean and running_var are both defined or both undefined; they are
// written in place when params.training.
Tensor BatchNorm(const Tensor& input, const Tensor& running_mean, const Tensor& running_var,
                 const Tensor& weight, const Tensor& bias, BatchNormParams params = {});

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_OPS_NORM_H_
