// Options of an `Odeint` solve: the forward solver, its tolerances and step-size control,
// and the gradient method with its own options.
//
//   aca::OdeintOptions options;
//   options.method = "dopri5";
//   options.rtol = 1e-6;
//   options.atol = 1e-8;
//   options.gradient = aca::GradientMethod::kAdjoint;
//   options.adjoint.rtol = 1e-8;        // the backward (augmented) solve may be tighter
//   RETURN_IF_ERROR(options.Validate());
//
// A plain struct: every field has a default; `Validate()` names the field, its value and the
// violated constraint.
#ifndef ACAODE_ACA_OPTIONS_H_
#define ACAODE_ACA_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "autograd/tensor.h"
#include "solvers/integrate.h"

namespace acaode {
namespace aca {

// How the gradient of the solution with respect to z0 and f's parameters is computed.
// See docs/architecture.md, "Gradient methods".
enum class GradientMethod {
  // Adaptive checkpoint adjoint (Zhuang et al., ICML 2020; the paper's Appendix A): the
  // forward solve runs untaped and keeps every accepted (t_i, z_i); backward replays each
  // accepted step taped and back-propagates through it (the last step's graph is kept from
  // the forward pass instead: Note [Taped last step], solvers/integrate.cc). Exact for the
  // discrete solution; memory O(N_f + N_t).
  kAca,
  // Continuous adjoint (Chen et al., NeurIPS 2018; derived in the ACA paper's Appendix C):
  // backward solve of the augmented system [z, a, g_θ] from t_N to t_0 with
  // `OdeintOptions::adjoint`. z is reconstructed backward in time, which is inexact (the
  // ACA paper's Appendix B). Memory O(N_f).
  kAdjoint,
  // Direct back-propagation through the whole taped solve, the step-size search
  // included (h is a taped function of the error estimate). Memory O(N_f · N_t · m).
  kNaive,
  // MALI (Zhuang et al., ICLR 2021; aca/reversible.h): the reversible ALF solver (method
  // "alf") runs untaped keeping only the end state (z_N, v_N); backward inverts each step
  // to recover the state, then replays it taped. Exact up to the inversion round-off;
  // memory O(N_f + 1).
  kMali,
};

// "aca", "adjoint", "naive" or "mali".
const char* GradientMethodName(GradientMethod method);

// How the continuous adjoint's backward solve measures the error of its augmented state
// [z, a, g_θ] (Note [Block error norms] in solvers/error_norm.h).
enum class AdjointNorm {
  // One RMS norm over the whole augmented state.
  kRms,
  // torchdiffeq's default: the largest of the RMS norms of z, of a, and of each
  // parameter's gradient.
  kMixed,
  // torchdiffeq's "seminorm" (Kidger et al., 2021): the larger of the RMS norms of z and of
  // a; the parameters' gradients do not steer the step size.
  kSeminorm,
};

// "rms", "mixed" or "seminorm".
const char* AdjointNormName(AdjointNorm norm);

// Options of the continuous adjoint's backward solve. Unset fields (negative numbers, an
// empty method) take the forward solve's value.
struct AdjointOptions {
  // Tableau name of the backward solve (see solvers/butcher_tableau.h); "" = forward's.
  std::string method;
  // Relative tolerance of the backward solve; < 0 = forward's `rtol`.
  double rtol = -1.0;
  // Absolute tolerance of the backward solve; < 0 = forward's `atol`.
  double atol = -1.0;
  // Maximum number of steps (accepted + rejected) of each backward interval; 0 = forward's.
  int64_t max_steps = 0;
  // The error norm of the backward solve; see AdjointNorm.
  AdjointNorm norm = AdjointNorm::kRms;
};

// The options of Odeint: those of every forward solve (solvers::SolveOptions: method,
// tolerances, step control, on_accepted_step, save_state; solvers/solve_options.h) and the
// gradient method's below. Odeint's method may also be "alf" (the reversible ALF step),
// with gradient kMali and only then. Adaptive stepping needs an embedded method unless
// step_size > 0. The continuous adjoint's backward solve uses scalar tolerances only.
struct OdeintOptions : solvers::SolveOptions {
  // How the gradient is computed; see GradientMethod.
  GradientMethod gradient = GradientMethod::kAca;

  // The continuous adjoint's backward solve (used by kAdjoint only).
  AdjointOptions adjoint;

  // kMali only: the ALF damping d ∈ [0, 1), d ≠ 1/2 (η = 1 − d in solvers/alf.h);
  // 0 = undamped ALF. See aca/reversible.h and Note [ALF damping and stability].
  double mali_damping = 0.0;

  // kAca only: bytes ACA may hold between the forward and the backward pass (states and
  // kept tapes); < 0 = no budget (every accepted state, no tape: the paper's ACA). Large
  // budgets keep steps' tapes so that the backward pass replays fewer steps (INT64_MAX:
  // every tape, no replay); budgets below N_t states use binomial checkpointing. The
  // gradient is the same bit for bit. Note [Memory budget] in aca/step_store.h.
  int64_t memory_budget = -1;

  // Whether f ignores its time argument (f(t, z) = g(z)). Only the naive method uses it: it
  // then skips the two evaluations of f per stage that carry f's time dependence into its
  // taped step sizes (Note [Time argument of f in the naive method], aca/time_gradient.h),
  // which for such an f contribute exactly 0. A wrong `true` for a time-dependent f makes
  // the naive gradient wrong by O(∂f/∂t · dh/dθ).
  bool autonomous = false;

  // SolveOptions::on_accepted_step is called by the forward solve of every gradient method.
  // SolveOptions::save_state, when set, is also honoured by the backward pass of every
  // gradient method: ACA's and MALI's replays and the adjoint's evaluations of f leave f's
  // state as the forward solve left it.

  // OK, or InvalidArgument naming the field, its value and the constraint it violates.
  absl::Status Validate() const;
};

// The options of the forward solve, for solvers::Integrate / Stepper.
solvers::IntegrateOptions ForwardIntegrateOptions(const OdeintOptions& options);

// The options of the continuous adjoint's backward solve: `options.adjoint` with unset
// fields taken from the forward solve; scalar tolerances only (the augmented state mixes
// z, the adjoint and the parameter gradients); the same fixed grid when step_size > 0.
solvers::IntegrateOptions AdjointIntegrateOptions(const OdeintOptions& options);

}  // namespace aca
}  // namespace acaode

#endif  // ACAODE_ACA_OPTIONS_H_
