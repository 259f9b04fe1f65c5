#include "autograd/nn/init.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "autograd/error.h"

namespace acaode {
namespace nn {

int64_t FanIn(const Shape& s) {
  if (s.size() < 2) {
    throw ValueError(
        absl::StrCat("FanIn: weight shape ", ShapeToString(s), " needs at least 2 dims"));
  }
  int64_t fan = s[1];
  for (size_t d = 2; d < s.size(); ++d) fan *= s[d];
  return fan;
}

Tensor UniformSymmetric(const Shape& shape, double bound, Generator& gen, DType dtype) {
  if (!(bound >= 0.0)) {
    throw ValueError(absl::StrCat("UniformSymmetric: bound must be >= 0, got ", bound));
  }
  if (bound == 0.0) return Zeros(shape, dtype);
  return RandUniform(shape, -bound, bound, gen, dtype);
}

Tensor KaimingUniform(const Shape& shape, double a, Generator& gen, DType dtype) {
  const int64_t fan_in = FanIn(shape);
  const double gain = std::sqrt(2.0 / (1.0 + a * a));
  const double bound = fan_in > 0 ? gain * std::sqrt(3.0 / fan_in) : 0.0;
  return UniformSymmetric(shape, bound, gen, dtype);
}

}  // namespace nn
}  // namespace acaode
