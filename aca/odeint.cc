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
  // Note [Solves on CUDA]: ACA runs on CUDA states (its forward solve, checkpoints and
  // replays are device ops); the other methods still build CPU scalars or zeros inside their
  // loops, and the memory budget counts CPU allocator bytes, so they are refused clearly.
  if (z0.device() != Device::kCpu) {
    if (options.gradient != GradientMethod::kAca) {
      return absl::InvalidArgumentError(
          absl::StrCat("Odeint: gradient \"", GradientMethodName(options.gradient),
                       "\" does not run on CUDA states yet; use gradient \"aca\" or a CPU z0"));
    }
    if (options.memory_budget >= 0) {
      return absl::InvalidArgumentError(
          "Odeint: memory_budget counts CPU memory and is not supported for CUDA states yet; "
          "leave it unset");
    }
  }
  RETURN_IF_ERROR(solvers::ValidateTimes(ts));
  for (size_t j = 0; j < params.size(); ++j) {
    if (!params[j].defined()) {
      return absl::InvalidArgumentError(absl::StrCat("Odeint: params[", j, "] is undefined"));
    }
    if (params[j].device() != z0.device()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Odeint: params[", j, "] is on ", DeviceName(params[j].device()),
                       " but z0 is on ", DeviceName(z0.device()), "; move them to one device"));
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
