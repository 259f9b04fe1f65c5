// Reverse accuracy on van der Pol (the ACA paper's Appendix D.1): dy1/dt = y2,
// dy2/dt = (μ − y1²) y2 − y1, μ = 0.15, y(0) = (2, 0), T = 20.
// The continuous adjoint reconstructs z(0) by integrating backward in time and misses it
// (the ACA paper's Appendix B); ACA's replay reproduces the forward states exactly.
#include <cmath>
#include <cstdio>
#include <vector>

#include "aca/odeint.h"
#include "autograd/creation.h"
#include "autograd/ops.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "util/status_matchers.h"

namespace acaode {
namespace aca {
namespace {

constexpr double kMu = 0.15;

Tensor VanDerPol(double, const Tensor& z) {
  const Tensor y1 = z.slice(0, 0, 1);
  const Tensor y2 = z.slice(0, 1, 2);
  return Concat({y2, Sub(Mul(Sub(kMu, Square(y1)), y2), y1)}, 0);
}

TEST(VanDerPolTest, AdjointReconstructionIsInexactAcaReplayIsExact) {
  for (double tol : {1e-5, 1e-8}) {
    double adjoint_miss = 0;
    for (GradientMethod method : {GradientMethod::kAca, GradientMethod::kAdjoint}) {
      Tensor z0 = FromVector({2.0, 0.0}, {2}).set_requires_grad(true);
      OdeintOptions options;
      options.rtol = options.atol = tol;
      options.gradient = method;
      absl::StatusOr<OdeintResult> r = Odeint(VanDerPol, {}, z0, {0.0, 20.0}, options);
      ASSERT_THAT(r.status(), IsOk());
      Sum(r->ys[1]).backward();
      if (method == GradientMethod::kAca) {
        std::printf("tol %.0e ACA: %lld steps, replay max |z_replayed - z_forward| = %g\n", tol,
                    static_cast<long long>(r->stats->accepted_steps),
                    r->stats->replay_max_abs_diff);
        EXPECT_LE(r->stats->replay_max_abs_diff, 1e-14);
      } else {
        const std::vector<double> rec = ToVector(r->stats->adjoint_reconstructed_z0);
        adjoint_miss = std::hypot(rec[0] - 2.0, rec[1] - 0.0);
        std::printf(
            "tol %.0e adjoint: reconstructed z(0) = (%.12f, %.12f), |error| = %.3e "
            "(%lld backward steps)\n",
            tol, rec[0], rec[1], adjoint_miss,
            static_cast<long long>(r->stats->backward_accepted_steps));
        // Far above round-off (~1e-15): the backward solve does not retrace the forward one.
        EXPECT_GT(adjoint_miss, 1e-10);
      }
    }
  }
}

}  // namespace
}  // namespace aca
}  // namespace acaode
