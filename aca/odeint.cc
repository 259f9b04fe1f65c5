#include "aca/odeint.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "aca/checkpoint_adjoint.h"
#include "aca/continuous_adjoint.h"
#include "aca/naive.h"
#include "aca/reversible.h"
#include "solvers/integrate.h"
#include "util/status_macros.h"

namespace acaode {
namespace aca {

absl::StatusOr<OdeintResult> Odeint(const DynamicsFn& f, const std::vector<Tensor>& params,
                                    const Tensor& z0, const std::vector<double>& ts,
                                    const OdeintOptions& options) {
  RETURN_IF_ERROR(options.Validate());
  if (!f) return absl::InvalidArgumentError("Odeint: f is empty; pass the dynamics function");
  if (!z0.defined()) return absl::InvalidArgumentError("Odeint: z0 is undefined");
  if (z0.device() != Device::kCpu) {
    return absl::InvalidArgumentError("Odeint: z0 must be a CPU tensor (CUDA not supported yet)");
  }
  RETURN_IF_ERROR(solvers::ValidateTimes(ts));
  for (size_t j = 0; j < params.size(); ++j) {
    if (!params[j].defined()) {
      return absl::InvalidArgumentError(absl::StrCat("Odeint: params[", j, "] is undefined"));
    }
    if (params[j].dtype() != z0.dtype()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Odeint: params[", j, "] has dtype ", DTypeName(params[j].dtype()),
                       " but z0 has dtype ", DTypeName(z0.dtype()), "; they must match"));
    }
  }
  switch (options.gradient) {
    case GradientMethod::kAca:
      return OdeintAca(f, params, z0, ts, options);
    case GradientMethod::kAdjoint:
      return OdeintAdjoint(f, params, z0, ts, options);
    case GradientMethod::kNaive:
      return OdeintNaive(f, params, z0, ts, options);
    case GradientMethod::kMali:
      return OdeintMali(f, params, z0, ts, options);
  }
  return absl::InvalidArgumentError("Odeint: unknown gradient method");
}

}  // namespace aca
}  // namespace acaode
