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
    {1.0, -8048581381.0 / 2820520608, 8663915743.0 / 2820520608, -12715105075.0 / 11282082432},
    {0.0, 0.0, 0.0, 0.0},
    {0.0, 131558114200.0 / 32700410799, -68118460800.0 / 10900136933, 87487479700.0 / 32700410799},
    {0.0, -1754552775.0 / 470086768, 14199869525.0 / 1410260304, -10690763975.0 / 1880347072},
    {0.0, 127303824393.0 / 49829197408, -318862633887.0 / 49829197408,
     701980252875.0 / 199316789632},
    {0.0, -282668133.0 / 205662961, 2019193451.0 / 616988883, -1453857185.0 / 822651844},
    {0.0, 40617522.0 / 29380423, -110615467.0 / 29380423, 69997945.0 / 29380423},
};

// DOP853 dense output (Hairer's dop853.f, scipy's dop853_coefficients): the rows of a
// for the 3 extra stages (columns: the 12 stages, f(t1, z1), then the earlier extra
// stages), their c, and the 4 rows D of the higher interpolation coefficients.
constexpr double kDop853ExtraC[3] = {0.1, 0.2, 7.0 / 9};
// clang-format off
constexpr double kDop853ExtraA[3][15] = {
    {5.61675022830479523392909219681e-2, 0.0, 0.0, 0.0, 0.0, 0.0, 2.53500210216624811088794765333e-1, -2.46239037470802489917441475441e-1, -1.24191423263816360469010140626e-1, 1.5329179827876569731206322685e-1, 8.20105229563468988491666602057e-3, 7.56789766054569976138603589584e-3, -8.298e-3, 0.0, 0.0},
    {3.18346481635021405060768473261e-2, 0.0, 0.0, 0.0, 0.0, 2.83009096723667755288322961402e-2, 5.35419883074385676223797384372e-2, -5.49237485713909884646569340306e-2, 0.0, 0.0, -1.08347328697249322858509316994e-4, 3.82571090835658412954920192323e-4, -3.40465008687404560802977114492e-4, 1.41312443674632500278074618366e-1, 0.0},
    {-4.28896301583791923408573538692e-1, 0.0, 0.0, 0.0, 0.0, -4.69762141536116384314449447206, 7.68342119606259904184240953878, 4.06898981839711007970213554331, 3.56727187455281109270669543021e-1, 0.0, 0.0, 0.0, -1.39902416515901462129418009734e-3, 2.9475147891527723389556272149, -9.15095847217987001081870187138},
};
constexpr double kDop853D[4][16] = {
    {-0.84289382761090128651353491142e+1, 0.0, 0.0, 0.0, 0.0, 0.56671495351937776962531783590, -0.30689499459498916912797304727e+1, 0.23846676565120698287728149680e+1, 0.21170345824450282767155149946e+1, -0.87139158377797299206789907490, 0.22404374302607882758541771650e+1, 0.63157877876946881815570249290, -0.88990336451333310820698117400e-1, 0.18148505520854727256656404962e+2, -0.91946323924783554000451984436e+1, -0.44360363875948939664310572000e+1},
    {0.10427508642579134603413151009e+2, 0.0, 0.0, 0.0, 0.0, 0.24228349177525818288430175319e+3, 0.16520045171727028198505394887e+3, -0.37454675472269020279518312152e+3, -0.22113666853125306036270938578e+2, 0.77334326684722638389603898808e+1, -0.30674084731089398182061213626e+2, -0.93321305264302278729567221706e+1, 0.15697238121770843886131091075e+2, -0.31139403219565177677282850411e+2, -0.93529243588444783865713862664e+1, 0.35816841486394083752465898540e+2},
    {0.19985053242002433820987653617e+2, 0.0, 0.0, 0.0, 0.0, -0.38703730874935176555105901742e+3, -0.18917813819516756882830838328e+3, 0.52780815920542364900561016686e+3, -0.11573902539959630126141871134e+2, 0.68812326946963000169666922661e+1, -0.10006050966910838403183860980e+1, 0.77771377980534432092869265740, -0.27782057523535084065932004339e+1, -0.60196695231264120758267380846e+2, 0.84320405506677161018159903784e+2, 0.11992291136182789328035130030e+2},
    {-0.25693933462703749003312586129e+2, 0.0, 0.0, 0.0, 0.0, -0.15418974869023643374053993627e+3, -0.23152937917604549567536039109e+3, 0.35763911791061412378285349910e+3, 0.93405324183624310003907691704e+2, -0.37458323136451633156875139351e+2, 0.10409964950896230045147246184e+3, 0.29840293426660503123344363579e+2, -0.43533456590011143754432175058e+2, 0.96324553959188282948394950600e+2, -0.39177261675615439165231486172e+2, -0.14972683625798562581422125276e+3},
};
// clang-format on

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
  if (name == "dopri8") return InterpolantKind::kDop853;
  return InterpolantKind::kHermite;
}

void Dop853ExtendStages(const DynamicsFn& f, double t0, double t1, const Tensor& z0,
                        const Tensor& f_end, std::vector<Tensor>* k) {
  if (k->size() != 12) {
    throw ValueError(
        absl::StrCat("Dop853ExtendStages: expected the 12 stages of a dopri8 "
                     "step, got ",
                     k->size()));
  }
  const double h = t1 - t0;
  k->push_back(f_end);
  std::vector<double> coeffs;
  std::vector<Tensor> terms;
  for (int e = 0; e < 3; ++e) {
    coeffs.clear();
    terms.clear();
    for (size_t j = 0; j < k->size(); ++j) {
      if (kDop853ExtraA[e][j] == 0.0) continue;
      coeffs.push_back(h * kDop853ExtraA[e][j]);
      terms.push_back((*k)[j]);
    }
    const Tensor zi = LinearCombination(z0, coeffs, terms);
    k->push_back(f(t0 + kDop853ExtraC[e] * h, zi));
  }
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
    case InterpolantKind::kDop853: {
      CheckStages(s, 16, "the dop853 interpolant");
      // z0 + x(F0 + (1−x)(F1 + x(F2 + (1−x)(F3 + x(F4 + (1−x)(F5 + x F6)))))) with
      // F0 = Δz, F1 = h k1 − Δz, F2 = 2Δz − h(k1 + f_end), F(3+j) = h Σ_i D[j][i] k_i.
      const double y = 1 - x;
      const double w[7] = {x,          x * y,          x2 * y,        x2 * y * y,
                           x3 * y * y, x3 * y * y * y, x4 * y * y * y};
      const double c_dz = w[0] - w[1] + 2 * w[2];  // weight of Δz = z1 − z0
      std::vector<double> coeffs = {-c_dz, c_dz};
      std::vector<Tensor> terms = {s.z0, s.z1};
      for (int i = 0; i < 16; ++i) {
        double c = 0;
        for (int j = 0; j < 4; ++j) c += w[3 + j] * kDop853D[j][i];
        if (i == 0) c += w[1] - w[2];
        if (i == 12) c -= w[2];
        if (c == 0.0) continue;
        coeffs.push_back(h * c);
        terms.push_back(s.k[i]);
      }
      return LinearCombination(s.z0, coeffs, terms);
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
    return absl::OutOfRangeError(absl::StrCat(
        "dense output: t = ", t, " is outside the integrated interval [", a, ", ", b, "]"));
  }
  // First segment whose end is at or beyond t (in the direction of integration).
  auto it = std::lower_bound(
      segments_.begin(), segments_.end(), t,
      [dir](const DenseSegment& s, double value) { return dir * (s.t1 - value) < 0; });
  if (it == segments_.end()) --it;
  // Step end points are returned exactly (the interpolant reproduces them only to
  // round-off).
  if (t == it->t1) return it->z1;
  if (t == it->t0) return it->z0;
  return InterpolateSegment(kind_, *it, t);
}

}  // namespace solvers
}  // namespace acaode
