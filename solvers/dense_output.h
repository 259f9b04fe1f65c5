// Dense output: the solution between accepted steps, from each step's own data.
//
// Interpolants (θ = (t − t0)/h ∈ [0, 1], h = t1 − t0, z(t) ≈ z0 + h Σ_i w_i(θ) k_i):
//   kDopri5  — Shampine's 4th-order continuous extension of Dormand–Prince 5(4)
//              (L. F. Shampine, "Some practical Runge–Kutta formulas", Math. Comp.
//              46(173):135–150, 1986; the coefficients of scipy's RK45 and dopri5.f's
//              CONTD5): uses the 7 stages of the step.
//   kTsit5   — Tsitouras's 4th-order interpolant from the tsit5 paper (Comput. Math.
//              Appl. 62(2):770–775, 2011): uses the 7 stages of the step.
//   kDop853  — Hairer's 7th-order dense output of DOP853 (dop853.f's CONTD8; the
//              coefficients of scipy's DOP853): the 12 stages, f(t1, z1) and 3 extra
//              stages per step (Dop853ExtendStages), evaluated only when dense output is
//              requested.
//   kHermite — cubic Hermite on (z0, f0, z1, f1), 3rd order; every other method.
//              Never linear.
//
//   DenseOutput dense(InterpolantFor(kDopri5));
//   dense.Append({t0, t1, z0, z1, step.k});       // once per accepted step, in order
//   ASSIGN_OR_RETURN(Tensor z, dense.Evaluate(0.37));
#ifndef ACAODE_SOLVERS_DENSE_OUTPUT_H_
#define ACAODE_SOLVERS_DENSE_OUTPUT_H_

#include <vector>

#include "absl/status/statusor.h"
#include "autograd/tensor.h"
#include "solvers/butcher_tableau.h"
#include "solvers/explicit_rk.h"

namespace acaode {
namespace solvers {

enum class InterpolantKind { kHermite, kDopri5, kTsit5, kDop853 };

// kDopri5 for dopri5, kTsit5 for tsit5, kDop853 for dopri8, kHermite otherwise.
InterpolantKind InterpolantFor(const ButcherTableau& tableau);

// What one accepted step keeps for interpolation.
struct DenseSegment {
  double t0 = 0;
  double t1 = 0;
  Tensor z0;
  Tensor z1;
  // kDopri5 / kTsit5: the step's 7 stages. kDop853: 16 tensors (Dop853ExtendStages).
  // kHermite: {f(t0, z0), f(t1, z1)}.
  std::vector<Tensor> k;
};

// dopri8's dense output: appends f_end = f(t1, z1) and the 3 extra stages of Hairer's
// continuous extension (at t0 + c h, c = 0.1, 0.2, 7/9) to the step's 12 stages in *k
// (12 → 16 tensors). Costs 3 evaluations of f.
void Dop853ExtendStages(const DynamicsFn& f, double t0, double t1, const Tensor& z0,
                        const Tensor& f_end, std::vector<Tensor>* k);

// The interpolant of one segment at t (t may lie slightly outside [t0, t1]: extrapolates).
// Throws ValueError when `segment.k` has the wrong length for `kind`.
Tensor InterpolateSegment(InterpolantKind kind, const DenseSegment& segment, double t);

// A piecewise interpolant over consecutive segments (forward or backward in time).
class DenseOutput {
 public:
  DenseOutput() = default;
  explicit DenseOutput(InterpolantKind kind) : kind_(kind) {}

  InterpolantKind kind() const { return kind_; }
  bool empty() const { return segments_.empty(); }
  const std::vector<DenseSegment>& segments() const { return segments_; }

  // Segments must be appended in integration order, each starting where the last ended.
  void Append(DenseSegment segment) { segments_.push_back(std::move(segment)); }
  DenseSegment& back() { return segments_.back(); }

  // z(t) for t within the covered interval (a step's end point gives its stored state
  // exactly); OutOfRange naming the interval otherwise, FailedPrecondition when nothing
  // was recorded.
  absl::StatusOr<Tensor> Evaluate(double t) const;

 private:
  InterpolantKind kind_ = InterpolantKind::kHermite;
  std::vector<DenseSegment> segments_;
};

}  // namespace solvers
}  // namespace acaode

#endif  // ACAODE_SOLVERS_DENSE_OUTPUT_H_
