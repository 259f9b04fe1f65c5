#include "aca/odeint.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "aca/checkpoint_adjoint.h"
#include "aca/continuous_adjoint.h"
#include "aca/naive.h"
#include "aca/reversible.h"
#include "aca/time_gradient.h"
#include "autograd/function.h"
#include "solvers/integrate.h"
#include "util/status_macros.h"

namespace acaode {
namespace aca {

namespace {

// Every check on Odeint's arguments, before anything is built from them.
absl::Status CheckArguments(const DynamicsFn& f, const std::vector<Tensor>& params,
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
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<OdeintResult> Odeint(const DynamicsFn& f, const std::vector<Tensor>& params,
                                    const Tensor& z0, const std::vector<double>& ts,
                                    const OdeintOptions& options) {
  RETURN_IF_ERROR(CheckArguments(f, params, z0, ts, options));
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

absl::StatusOr<OdeintResult> Odeint(const DynamicsFn& f, const std::vector<Tensor>& params,
                                    const Tensor& z0, const Tensor& ts,
                                    const OdeintOptions& options) {
  if (!ts.defined()) return absl::InvalidArgumentError("Odeint: ts is undefined");
  if (ts.dim() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Odeint: ts must be 1-D (the output times), got shape ", ShapeToString(ts.shape())));
  }
  if (ts.device() != Device::kCpu) {
    return absl::InvalidArgumentError(
        absl::StrCat("Odeint: ts must be on the CPU, got ", DeviceName(ts.device())));
  }
  if (ts.dtype() != DType::kFloat32 && ts.dtype() != DType::kFloat64) {
    return absl::InvalidArgumentError(
        absl::StrCat("Odeint: ts must be float32 or float64, got ", DTypeName(ts.dtype())));
  }
  const Tensor times = ts.to(DType::kFloat64);
  std::vector<double> values(times.data<double>(), times.data<double>() + times.numel());
  if (!NeedsGrad(ts)) return Odeint(f, params, z0, values, options);
  // Before a node is built on z0 (the solve below checks again, cheaply).
  RETURN_IF_ERROR(CheckArguments(f, params, z0, values, options));
  const OutputTimeGradients time_grads(f, options.save_state, ts, values);
  ASSIGN_OR_RETURN(OdeintResult result,
                   Odeint(f, params, time_grads.AttachToOrigin(z0), values, options));
  result.ys = time_grads.AttachToOutputs(result.ys, result.stats);
  return result;
}

}  // namespace aca
}  // namespace acaode
