#include "solvers/dense_output.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "autograd/error.h"
#include "autograd/ops/linear_combination.h"

namespace acaode {
namespace solvers {
namespace {

// Shampine's dense output for dopri5: w_i(θ) = Σ_j P[i][j] θ^(j+1) (rows: stages 1..7).
constexpr double kDopri5P[7][4] = {
    {1.0, -8048581381.0 / 2820520608, 8663915743.0 / 2820520608,
     -12715105075.0 / 11282082432},
    {0.0, 0.0, 0.0, 0.0},
    {0.0, 131558114200.0 / 32700410799, -68118460800.0 / 10900136933,
     87487479700.0 / 32700410799},
    {0.0, -1754552775.0 / 470086768, 14199869525.0 / 1410260304,
     -10690763975.0 / 1880347072},
    {0.0, 127303824393.0 / 49829197408, -318862633887.0 / 49829197408,
     701980252875.0 / 199316789632},
    {0.0, -282668133.0 / 205662961, 2019193451.0 / 616988883, -1453857185.0 / 822651844},
    {0.0, 40617522.0 / 29380423, -110615467.0 / 29380423, 69997945.0 / 29380423},
};

void CheckStages(const DenseSegment& s, size_t n, const char* kind) {
  if (s.k.size() != n) {
    throw ValueError(absl::StrCat("InterpolateSegment: ", kind, " needs ", n,
                                  " stage tensors, got ", s.k.size()));
  }
}

}  // namespace

InterpolantKind InterpolantFor(const ButcherTableau& tableau) {
  const std::string name = tableau.name;
  if (name == "dopri5") return InterpolantKind::kDopri5;
  if (name == "tsit5") return InterpolantKind::kTsit5;
  return InterpolantKind::kHermite;
}

Tensor InterpolateSegment(InterpolantKind kind, const DenseSegment& s, double t) {
  const double h = s.t1 - s.t0;
  const double x = h == 0 ? 0.0 : (t - s.t0) / h;  // θ
  const double x2 = x * x, x3 = x2 * x, x4 = x3 * x;
  switch (kind) {
    case InterpolantKind::kDopri5: {
      CheckStages(s, 7, "the dopri5 interpolant");
      std::vector<double> w(7);
      for (int i = 0; i < 7; ++i) {
        const double* p = kDopri5P[i];
        w[i] = h * (p[0] * x + p[1] * x2 + p[2] * x3 + p[3] * x4);
      }
      return LinearCombination(s.z0, w, s.k);
    }
    case InterpolantKind::kTsit5: {
      CheckStages(s, 7, "the tsit5 interpolant");
      // Tsitouras (2011), the b_i(θ) of the continuous extension, in factored form.
      std::vector<double> w = {
          -1.0530884977290216 * x * (x - 1.3299890189751412) *
              (x2 - 1.4364028541716351 * x + 0.7139816917074209),
          0.1017 * x2 * (x2 - 2.1966568338249754 * x + 1.2949852507374631),
          2.490627285651252793 * x2 * (x2 - 2.38535645472061657 * x + 1.57803468208092486),
          -16.54810288924490272 * (x - 1.21712927295533244) * (x - 0.61620406037800089) * x2,
          47.37952196281928122 * (x - 1.203071208372362603) * (x - 0.658047292653547382) * x2,
          -34.87065786149660974 * (x - 1.2) * (x - 0.666666666666666667) * x2,
          2.5 * (x - 1) * (x - 0.6) * x2,
      };
      for (double& wi : w) wi *= h;
      return LinearCombination(s.z0, w, s.k);
    }
    case InterpolantKind::kHermite:
    default: {
      CheckStages(s, 2, "cubic Hermite");
      // p(θ) = z0 + H01(θ)(z1 − z0) + h H10(θ) f0 + h H11(θ) f1, with
      // H01 = 3θ² − 2θ³, H10 = θ³ − 2θ² + θ, H11 = θ³ − θ².
      const double h01 = 3 * x2 - 2 * x3;
      const double h10 = x3 - 2 * x2 + x;
      const double h11 = x3 - x2;
      return LinearCombination(s.z0, {-h01, h01, h * h10, h * h11}, {s.z0, s.z1, s.k[0], s.k[1]});
    }
  }
}

absl::StatusOr<Tensor> DenseOutput::Evaluate(double t) const {
  if (segments_.empty()) {
    return absl::FailedPreconditionError(
        "dense output is empty: set IntegrateOptions::dense_output = true and integrate "
        "over a nonempty interval");
  }
  const double a = segments_.front().t0;
  const double b = segments_.back().t1;
  const double dir = b >= a ? 1.0 : -1.0;
  if (!(dir * (t - a) >= 0 && dir * (b - t) >= 0)) {
    return absl::OutOfRangeError(absl::StrCat("dense output: t = ", t,
                                              " is outside the integrated interval [", a,
                                              ", ", b, "]"));
  }
  // First segment whose end is at or beyond t (in the direction of integration).
  auto it = std::lower_bound(segments_.begin(), segments_.end(), t,
                             [dir](const DenseSegment& s, double value) {
                               return dir * (s.t1 - value) < 0;
                             });
  if (it == segments_.end()) --it;
  return InterpolateSegment(kind_, *it, t);
}

}  // namespace solvers
}  // namespace acaode
