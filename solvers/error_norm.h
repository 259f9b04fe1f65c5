// The scaled error norm that accepts or rejects a step.
//
//   ‖e‖ = sqrt( mean_i ( e_i / (atol_i + rtol_i · max(|z_i|, |z_new,i|)) )² )
//
// (Hairer, Nørsett & Wanner, Solving ODEs I, II.4 eq. (4.11); scipy's `solve_ivp`; a step
// is accepted when ‖e‖ ≤ 1). Tolerances are scalars or per-component tensors broadcastable
// to z. Two forms: a double-valued fast path (untaped, reads the data directly) and a
// Tensor-valued one built from differentiable ops, so that the naive gradient method can
// differentiate through the step-size search.
//
//   Tolerances tol{/*rtol=*/1e-6, /*atol=*/1e-9};
//   double norm = ErrorNorm(step.error, step.error_secondary, z, step.z_new, tol);
//   bool accept = norm <= 1.0;
//
// Note [DOP853 error norm]: dopri8 carries two error estimates, err5 (5th order, b_error)
// and err3 (3rd order, b_error_secondary). Following Hairer's dop853.f and scipy's DOP853,
// with s5 = Σ (err5_i/sc_i)², s3 = Σ (err3_i/sc_i)² and N components,
//   ‖e‖ = s5 / sqrt(N (s5 + 0.01 s3))     (0 when s5 = s3 = 0),
// which behaves like h^8 (so the controller uses q = 7). Every function here switches to
// this formula when `error_secondary` is defined.
#ifndef ACAODE_SOLVERS_ERROR_NORM_H_
#define ACAODE_SOLVERS_ERROR_NORM_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "autograd/tensor.h"

namespace acaode {
namespace solvers {

// Note [Block error norms]: a state made of parts (the continuous adjoint's [z, a, g_θ])
// may be measured part by part: the flattened state is cut into consecutive blocks, the
// RMS norm above (or DOP853's) is taken within each counted block, and the step's norm is
// the largest of them; blocks that are not counted do not steer the step size at all.
// torchdiffeq's adjoint norms are of this form (its default "mixed" norm: z, a and each
// parameter's gradient a block; its "seminorm": the parameters' gradients not counted).
struct NormBlock {
  int64_t size = 0;     // consecutive elements of the flattened state
  bool counted = true;  // false: ignored by the norm (a seminorm)
};

// Relative and absolute tolerances. The per-component tensors, when defined, replace the
// scalar of the same name; they must be broadcastable to z (same shape, one element, or
// matching z's trailing dimensions).
struct Tolerances {
  // Relative tolerance: the local error may be rtol · max(|z|, |z_new|) (plus atol).
  double rtol = 1e-7;
  // Absolute tolerance: the local error allowed where z ≈ 0.
  double atol = 1e-9;
  // Optional, per component (any float dtype for ErrorNorm; z's dtype for
  // ErrorNormTensor, whose ops do not mix dtypes).
  Tensor rtol_tensor;
  Tensor atol_tensor;
  // Note [Block error norms]: empty = one block, the whole state. The sizes must add up to
  // the state's numel, at least one block must count, and only scalar tolerances apply.
  // ErrorNorm (the double form) honours them; ErrorNormTensor does not (naive never uses
  // blocks).
  std::vector<NormBlock> blocks;

  // InvalidArgument naming the field unless every tolerance is finite and ≥ 0, at least
  // one of rtol/atol is positive, and the tensors (if any) are broadcastable to z's shape
  // (pass an undefined z to skip that check).
  absl::Status Validate(const Tensor& z) const;
};

// The RMS norm above as a double (untaped fast path; float32 or float64 CPU tensors).
// `error_secondary` may be undefined (every method but dopri8). An empty z gives 0.
double ErrorNorm(const Tensor& error, const Tensor& error_secondary, const Tensor& z,
                 const Tensor& z_new, const Tolerances& tol);

// RMS of x / (atol + rtol·|z|): the weighted norm of the initial-step heuristic.
double ScaledNorm(const Tensor& x, const Tensor& z, const Tolerances& tol);

// The same error norm as a 0-d Tensor, built from differentiable ops (records a graph
// when grad mode is on and an input requires grad).
Tensor ErrorNormTensor(const Tensor& error, const Tensor& error_secondary, const Tensor& z,
                       const Tensor& z_new, const Tolerances& tol);

// A step trial's verdict: ErrorNorm, or NaN when it or z_new is not finite (a step to
// reject). On the GPU this is one scalar brought to the host, not one per check.
double ErrorNormOfFiniteStep(const Tensor& error, const Tensor& error_secondary, const Tensor& z,
                             const Tensor& z_new, const Tolerances& tol);

// True when every element of t is finite (not NaN or ±inf).
bool AllFinite(const Tensor& t);

}  // namespace solvers
}  // namespace acaode

#endif  // ACAODE_SOLVERS_ERROR_NORM_H_
