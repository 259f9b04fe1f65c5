// The asymmetric leapfrog (ALF) step and its exact algebraic inverse — the reversible
// integrator of MALI (Zhuang, Dvornek, Tatikonda, Duncan, "MALI: a memory efficient and
// reverse accurate integrator for neural ODEs", ICLR 2021, Algorithms 1–2 and the damped
// variant). The state is (z, v) with v ≈ dz/dt; the start is v0 = f(t0, z0).
//
// Damped ALF with damping η ∈ (0, 1] (η = 1 is the undamped step of the paper), from (t, z, v)
// with step h:
//   s1 = t + h/2,  k1 = z + v·h/2,  u1 = f(s1, k1),
//   v' = v + 2η (u1 − v) = (1 − 2η) v + 2η u1,
//   z' = k1 + v'·h/2,  t' = t + h.
// Inverse, from (t', z', v'):
//   s1 = t' − h/2,  k1 = z' − v'·h/2,  u1 = f(s1, k1),
//   v = (v' − 2η u1) / (1 − 2η),  z = k1 − v·h/2.
// (The inverse recomputes exactly the same k1 and u1 as the forward step, up to the
// round-off of z' − v'h/2 versus z + vh/2.)
//
// Note [ALF damping and stability]: on z' = λz (x = λh, v = λy) one step maps (z, y) by
//   M = [[1 + ηx, (x/2)(2 − 2η + ηx)], [2η, 1 − 2η + ηx]],   det M = 1 − 2η  (for every x).
//   * η = 1 (undamped): det M = −1, so one eigenvalue has |μ| ≥ 1 for every h: the step
//     never damps a decaying mode (on z' = −10z it grows instead of decaying), while its
//     inverse is perfectly conditioned (v = 2u1 − v').
//   * η = 1/2: det M = 0 — v' no longer depends on v and the step is not invertible
//     (rejected by Validate).
//   * 0 < η < 1, η ≠ 1/2: the spurious eigenvalue is 1 − 2η at x = 0, damped since
//     |1 − 2η| < 1. By the Jury conditions (|det| < 1, |tr| < 1 + det) a real decaying
//     mode is damped exactly for −2(1 − η)/η < x < 0 (η = 0.8: x > −0.5; η = 0.6:
//     x > −4/3). But (a) the inverse divides by (1 − 2η), so inversion round-off grows by
//     1/|1 − 2η| per step when N steps are reconstructed backward, and (b) the damped step
//     is only first order: with v = f, v' = f + η h f'f + O(h²) lags the true derivative
//     f + h f'f, and the lag feeds z (measured in tests/solvers/alf_test.cc).
// The choice made here: the default is η = 1 (the paper's ALF: second order and exactly
// reversible, for non-stiff neural ODEs); damping is an explicit option, and
// `AlfSpectralRadius` exposes the stability of a given (η, λh) so that callers (a MALI
// driver) can check a step size against it.
//
//   AlfOptions options;          // eta = 1
//   AlfState s{t0, z0, f(t0, z0)};
//   AlfState s1 = AlfStep(f, s, h, options);
//   AlfState back = AlfInverse(f, s1, h, options);   // == s up to round-off
#ifndef ACAODE_SOLVERS_ALF_H_
#define ACAODE_SOLVERS_ALF_H_

#include <complex>

#include "absl/status/status.h"
#include "autograd/tensor.h"
#include "solvers/explicit_rk.h"

namespace acaode {
namespace solvers {

struct AlfOptions {
  // Damping η ∈ (0, 1], η ≠ 1/2. 1 = undamped ALF (MALI's default).
  double eta = 1.0;

  // InvalidArgument naming the field unless 0 < eta ≤ 1 and |eta − 1/2| > 1e-6.
  absl::Status Validate() const;
};

// The ALF state at one time: z and its velocity companion v (≈ f(t, z)).
struct AlfState {
  double t = 0;
  Tensor z;
  Tensor v;
};

// One ALF step of size h (h < 0 steps backward in time). One evaluation of f.
// Built from differentiable ops: records a graph when the grad mode is on.
AlfState AlfStep(const DynamicsFn& f, const AlfState& state, double h,
                 const AlfOptions& options = AlfOptions());

// The algebraic inverse of AlfStep: AlfInverse(f, AlfStep(f, s, h), h) == s up to
// round-off (see Note [ALF damping and stability] for how the round-off grows when
// damped). One evaluation of f.
AlfState AlfInverse(const DynamicsFn& f, const AlfState& state, double h,
                    const AlfOptions& options = AlfOptions());

// The spectral radius of one step on z' = λz (x = λh complex), the largest |μ| of M above.
// < 1: the step damps both modes; the undamped ALF gives ≥ 1 for every x.
double AlfSpectralRadius(double eta, std::complex<double> x);

}  // namespace solvers
}  // namespace acaode

#endif  // ACAODE_SOLVERS_ALF_H_
