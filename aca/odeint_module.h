// Odeint on an nn::OdeModule: the vector field is func->Forward(t, z) and the gradients
// go to func->Parameters().
//
//   auto net = std::make_shared<nn::Sequential>();
//   net->Push(std::make_shared<nn::Linear>(2, 64, gen));
//   net->Push(std::make_shared<nn::Tanh>());
//   net->Push(std::make_shared<nn::Linear>(64, 2, gen));
//   auto func = std::make_shared<nn::AutonomousOde>(net);
//   ASSIGN_OR_RETURN(aca::OdeintResult r, aca::Odeint(func, z0, {0.0, 1.0}, options));
//   Sum(Square(r.ys)).backward();            // net's parameters get .grad
//
// The solve holds a reference to `func`, so the module stays alive until the gradient
// node is released (after backward, or when ys is destroyed) even if the caller drops it.
#ifndef ACAODE_ACA_ODEINT_MODULE_H_
#define ACAODE_ACA_ODEINT_MODULE_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "aca/odeint.h"
#include "autograd/nn/ode_module.h"

namespace acaode {
namespace aca {

// InvalidArgument when func is null; otherwise as Odeint(f, params, z0, ts, options).
absl::StatusOr<OdeintResult> Odeint(std::shared_ptr<nn::OdeModule> func, const Tensor& z0,
                                    const std::vector<double>& ts,
                                    const OdeintOptions& options = OdeintOptions());

}  // namespace aca
}  // namespace acaode

#endif  // ACAODE_ACA_ODEINT_MODULE_H_
