// Log-softmax and losses, as torch.nn.functional.log_softmax, cross_entropy
// and mse_loss.
//
//   Tensor logp = LogSoftmax(logits, /*dim=*/-1);
//   Tensor loss = CrossEntropy(logits, {3, 0, 1});          // mean over N
//   Tensor l2 = MseLoss(pred, target);                      // mean of squares
//
// LogSoftmax: y_i = x_i - max - log(sum_j exp(x_j - max)) along `dim`;
//   dx = dy - exp(y) * sum(dy) along dim.
// CrossEntropy(logits [N, C], labels in [0, C)): -sum_n logsoftmax(x)[n, y_n]
//   divided by N for kMean; dx = (softmax(x) - onehot(y)) * g (/ N).
// MseLoss(a, b) (same shape and dtype; no broadcasting): sum (a - b)^2,
//   divided by numel for kMean; da = 2 (a - b) g (/ numel) = -db.
//
// Errors (ValueError): dim out of range, logits not 2-D, wrong number of
// labels or a label outside [0, C) (naming its index), non-integer labels in
// a tensor, shape or dtype mismatch in MseLoss, empty input for kMean.
#ifndef ACAODE_AUTOGRAD_OPS_LOSS_H_
#define ACAODE_AUTOGRAD_OPS_LOSS_H_

#include <cstdint>
#include <vector>

#include "autograd/tensor.h"

namespace acaode {

enum class Reduction { kMean, kSum };

Tensor LogSoftmax(const Tensor& input, int64_t dim = -1);

Tensor CrossEntropy(const Tensor& logits, const std::vector<int64_t>& labels,
                    Reduction reduction = Reduction::kMean);
// Labels given as a tensor of N integer values (any float dtype).
Tensor CrossEntropy(const Tensor& logits, const Tensor& labels,
                    Reduction reduction = Reduction::kMean);

Tensor MseLoss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::kMean);

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_OPS_LOSS_H_
