#include "autograd/nn/linear.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "autograd/nn/init.h"
#include "autograd/ops/linear.h"

namespace acaode {
namespace nn {

Linear::Linear(int64_t in_features, int64_t out_features, Generator& gen, bool bias, DType dtype)
    : Module("Linear") {
  if (in_features < 0 || out_features < 0) {
    throw ValueError(absl::StrCat("Linear: feature counts must be >= 0, got in = ", in_features,
                                  ", out = ", out_features));
  }
  weight_ = RegisterParameter(
      "weight", KaimingUniform({out_features, in_features}, std::sqrt(5.0), gen, dtype));
  if (bias) {
    const double bound = in_features > 0 ? 1.0 / std::sqrt(double(in_features)) : 0.0;
    bias_ = RegisterParameter("bias", UniformSymmetric({out_features}, bound, gen, dtype));
  }
}

Tensor Linear::Forward(const Tensor& x) { return ::acaode::Linear(x, weight_, bias_); }

}  // namespace nn
}  // namespace acaode
