#include "aca/odeint_module.h"

#include <memory>
#include <utility>
#include <vector>

namespace acaode {
namespace aca {

absl::StatusOr<OdeintResult> Odeint(std::shared_ptr<nn::OdeModule> func, const Tensor& z0,
                                    const std::vector<double>& ts, const OdeintOptions& options) {
  if (!func) return absl::InvalidArgumentError("Odeint: func (an nn::OdeModule) is null");
  const std::vector<Tensor> params = func->Parameters();
  // The lambda owns a reference to the module: the gradient node keeps it alive.
  DynamicsFn f = [func = std::move(func)](double t, const Tensor& z) {
    return func->Forward(t, z);
  };
  return Odeint(f, params, z0, ts, options);
}

}  // namespace aca
}  // namespace acaode
