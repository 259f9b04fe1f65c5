// One generic explicit Runge–Kutta step on Tensors, for every tableau in butcher_tableau.h.
//
// The same code runs with the tape off (the untaped forward solve) or on (ACA replays one
// accepted step taped; the naive method tapes the whole solve): the stages are built from
// differentiable ops (LinearCombination), so whether a graph is recorded is decided by the
// grad mode and by whether z, h or f's parameters require grad.
//
//   ExplicitRk rk(kDopri5);
//   RkStep step;
//   rk.Step(f, t, z, h, /*k1=*/Tensor(), &step);        // step.z_new, step.error, step.k
//   Tensor k1_next = rk.tableau().fsal() ? step.k.back() : f(t + h, step.z_new);
//
// Note [Step end time]: in floating point t0 + (t1 − t0) need not equal t1. A step that
// ends on an output time t1 evaluates its c_i = 1 stages (the FSAL stage: f at the new
// point, reused as the next step's k_1) at exactly t1, so the forward pass and a later
// replay of the step from (t0, z0) with StepTo(t0, t1) evaluate f at the same times and
// produce bitwise-identical states.
//
// Allocation: an ExplicitRk and an RkStep are meant to be reused across steps; after the
// first step their vectors keep their capacity, so a step allocates nothing but the
// tensors it produces (stage inputs, stages, z_new, error).
#ifndef ACAODE_SOLVERS_EXPLICIT_RK_H_
#define ACAODE_SOLVERS_EXPLICIT_RK_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "autograd/tensor.h"
#include "solvers/butcher_tableau.h"

namespace acaode {
namespace solvers {

// The right-hand side dz/dt = f(t, z). It must return a tensor of z's shape and dtype.
// Exceptions thrown by f propagate unchanged through every solver function.
// Note: t is a double, so a taped step size h (the naive method) reaches f only through
// its state argument, never through t (documented limitation for time-dependent f).
using DynamicsFn = std::function<Tensor(double t, const Tensor& z)>;

// What one step produced. Reused across steps by the caller.
struct RkStep {
  // z + h Σ b_i k_i.
  Tensor z_new;
  // h Σ b_error_i k_i = z_new − ẑ_new (undefined for methods without an error estimate,
  // or when the step was asked not to compute it).
  Tensor error;
  // dopri8 only: h Σ b_error_secondary_i k_i (Hairer's 3rd-order estimator); else undefined.
  Tensor error_secondary;
  // The stages k_1..k_s (k_i = f(t + c_i h, Z_i)). For FSAL tableaux k.back() is
  // f(t + h, z_new), the next step's k_1.
  std::vector<Tensor> k;
  // Evaluations of f made by this step: stages, or stages − 1 when k_1 was supplied.
  int64_t f_evals = 0;
  // With ExplicitRk::set_fsal_stage_on_leaf(true), FSAL tableaux only: the detached copy
  // of z_new (requires grad) on which the last stage was evaluated; else undefined.
  Tensor z_new_leaf;
};

class ExplicitRk {
 public:
  // The tableau must outlive this object (the built-in ones are static).
  explicit ExplicitRk(const ButcherTableau& tableau);

  const ButcherTableau& tableau() const { return *tableau_; }

  // One step of size h (h < 0 integrates backward) from (t, z). `k1` is f(t, z) when the
  // caller already has it (FSAL, or f at the end of the previous step); pass an undefined
  // Tensor to have it evaluated. With `compute_error` false the error tensors are left
  // undefined (fixed-grid runs skip that work). The error of this (double h) form is
  // never recorded on the tape: it only steers the step size, which is a plain double.
  void Step(const DynamicsFn& f, double t, const Tensor& z, double h, const Tensor& k1, RkStep* out,
            bool compute_error = true);

  // The step from t0 to t1 (h = t1 − t0), with the stages at c_i = 1 evaluated at exactly
  // t1. See Note [Step end time]: drivers that store accepted times (Stepper, ACA's
  // replay) use this form so that a replay reproduces the forward step bit for bit.
  void StepTo(const DynamicsFn& f, double t0, double t1, const Tensor& z, const Tensor& k1,
              RkStep* out, bool compute_error = true);

  // Note [Taped steps from a leaf]: when every step is recorded on the tape (ACA's tape
  // retention, aca/step_store.h) each step's graph must reach back to its own start state
  // only. An FSAL tableau's last stage f(t + h, z_new) is the next step's k_1; evaluated on
  // z_new itself it would tie the next step's graph to this one. With this flag on, it is
  // evaluated on z_new_leaf = z_new.detach() with requires_grad, which the caller then
  // uses as the next step's start state: the values are the same bit for bit, and each
  // step's graph runs from its own leaf to its taped z_new.
  void set_fsal_stage_on_leaf(bool on) { fsal_stage_on_leaf_ = on; }

  // The same step with h a 0-d tensor, so that z_new and the error are differentiable
  // with respect to h (the naive method tapes the step-size search). Stage i evaluates f
  // at time t + c_i * h.item(). Costs one extra multiply per stage compared with the
  // double overload: Z_i = z + h ⊙ (Σ_j a_ij k_j).
  void Step(const DynamicsFn& f, double t, const Tensor& z, const Tensor& h, const Tensor& k1,
            RkStep* out, bool compute_error = true);

 private:
  // The one step body: h as a double, and also as a 0-d tensor when h_taped is not null
  // (its value is h; the stage inputs, z_new and the error are then differentiable in it).
  void StepImpl(const DynamicsFn& f, double t, double t_end, const Tensor& z, double h,
                const Tensor* h_taped, const Tensor& k1, RkStep* out, bool compute_error);

  // base + h Σ_{j < n} w_j k_j: through Combine for a double h; as h_taped ⊙ (Σ w_j k_j)
  // (base added when defined) for a taped one.
  Tensor Increment(const Tensor& base, const double* w, double h, const Tensor* h_taped,
                   const std::vector<Tensor>& k, int n);

  // Σ_{j < n} w_j k_j scaled by `scale`, the terms with zero weight skipped; `base` is
  // added when defined. Uses the scratch vectors below.
  Tensor Combine(const Tensor& base, const double* w, double scale, const std::vector<Tensor>& k,
                 int n);

  const ButcherTableau* tableau_;
  bool fsal_stage_on_leaf_ = false;
  std::vector<double> coeffs_;  // scratch: the nonzero weights of one combination
  std::vector<Tensor> terms_;   // scratch: the matching stages
};

}  // namespace solvers
}  // namespace acaode

#endif  // ACAODE_SOLVERS_EXPLICIT_RK_H_
