// Parameter initialisations (as torch.nn.init), seeded through Generator.
//
//   Generator gen(0);
//   Tensor w = KaimingUniform({64, 32}, std::sqrt(5.0), gen);  // Linear weight
//   Tensor b = UniformSymmetric({64}, 1.0 / std::sqrt(32.0), gen);
//
// KaimingUniform (leaky_relu gain with slope a): bound =
//   sqrt(2 / (1 + a^2)) * sqrt(3 / fan_in). With a = sqrt(5), PyTorch's
//   default for Linear and Conv weights, bound = 1 / sqrt(fan_in).
// fan_in of a weight [out, in, k...] is in * prod(k).
#ifndef ACAODE_AUTOGRAD_NN_INIT_H_
#define ACAODE_AUTOGRAD_NN_INIT_H_

#include <cstdint>

#include "autograd/creation.h"
#include "autograd/tensor.h"

namespace acaode {
namespace nn {

// in * prod(kernel sizes) for a weight of shape [out, in, ...]; ValueError
// for fewer than 2 dims.
int64_t FanIn(const Shape& weight_shape);

// Uniform on [-bound, bound) (zeros when bound == 0); bound >= 0.
Tensor UniformSymmetric(const Shape& shape, double bound, Generator& gen,
                        DType dtype = DType::kFloat64);

Tensor KaimingUniform(const Shape& shape, double a, Generator& gen, DType dtype = DType::kFloat64);

}  // namespace nn
}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_NN_INIT_H_
