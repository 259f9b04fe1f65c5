// Explicit Runge–Kutta methods as data: one `constexpr ButcherTableau` per method.
//
// A method is its Butcher tableau (c, strictly lower a, b) plus, for embedded pairs, the
// error weights b_error = b − b̂ (b̂: the lower-order solution). Adding a method is adding a
// table here and a row in the registry (butcher_tableau.cc); one generic stepper
// (explicit_rk.h) runs them all. Coefficients are written as in the papers (rationals
// where the paper has rationals) so they can be checked against the source.
//
// Invariants (Σb = 1, Σb_error = 0, Σ_j a_ij = c_i, a strictly lower, c_1 = 0) are checked
// in one place: `TableauDefect` below, which butcher_tableau.cc `static_assert`s for every
// table and tests/solvers/butcher_tableau_test.cc checks at run time.
//
// Usage:
//   ASSIGN_OR_RETURN(const ButcherTableau* tableau, FindTableau("rk45"));  // dopri5
//   if (tableau->embedded()) { ... adaptive ... }
//   bool reuse_last_stage = tableau->fsal();
#ifndef ACAODE_SOLVERS_BUTCHER_TABLEAU_H_
#define ACAODE_SOLVERS_BUTCHER_TABLEAU_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace acaode {
namespace solvers {

// The largest stage count of any tableau here (dopri8: 12).
inline constexpr int kMaxStages = 12;

// One explicit Runge–Kutta method. Stage i (0-based) of a step from (t, z) with size h:
//   k_i = f(t + c_i h, z + h Σ_{j<i} a_ij k_j),   z_new = z + h Σ_i b_i k_i,
//   error estimate = h Σ_i b_error_i k_i          (= z_new − ẑ_new, ẑ the embedded solution).
// Entries beyond `stages` are zero.
struct ButcherTableau {
  const char* name = "";
  // Order p of z_new (the propagated solution; local extrapolation for embedded pairs).
  int order = 0;
  // Order of the embedded solution ẑ; 0 when the method has no error estimate.
  int embedded_order = 0;
  // The controller's q: the error estimate behaves like h^(q+1), step factors use the
  // exponent −1/(q+1). min(order, embedded_order) for ordinary pairs; for dopri8 it is 7,
  // because Hairer's combined 5th/3rd order estimate (below) behaves like h^8.
  int error_estimator_order = 0;
  int stages = 0;
  double c[kMaxStages] = {};
  double a[kMaxStages][kMaxStages] = {};  // a[i][j], nonzero only for j < i.
  double b[kMaxStages] = {};
  double b_error[kMaxStages] = {};  // b − b̂; all zero when not embedded.
  // dopri8 only: b − b̂₃ for Hairer's 3rd-order estimator; see Note [DOP853 error norm]
  // in error_norm.h. All zero for every other method (`has_secondary_error()` false).
  double b_error_secondary[kMaxStages] = {};

  constexpr bool embedded() const { return embedded_order > 0; }

  constexpr bool has_secondary_error() const {
    for (int i = 0; i < stages; ++i) {
      if (b_error_secondary[i] != 0.0) return true;
    }
    return false;
  }

  // First Same As Last, derived from the data: the last stage is evaluated at
  // (t + h, z_new), i.e. c_last = 1 and the last row of a equals b (so b_last = 0). Its k is
  // then f(t + h, z_new) = the next step's k_1, and the stepper reuses it.
  constexpr bool fsal() const {
    const int s = stages - 1;
    if (s < 1 || c[s] != 1.0 || b[s] != 0.0) return false;
    for (int j = 0; j < s; ++j) {
      if (a[s][j] != b[j]) return false;
    }
    return true;
  }
};

// The largest violation of the tableau invariants (0 for an exact tableau):
//   |c_0|, |Σ_j a_ij − c_i| for each row, |a_ij| for j ≥ i (explicitness), |Σ b − 1|,
//   |Σ b_error| and |Σ b_error_secondary| (an error estimate of a consistent pair vanishes on
//   constant f), and stages outside [1, kMaxStages] or order < 1 give +infinity.
// constexpr so that butcher_tableau.cc can static_assert it for every table.
constexpr double TableauDefect(const ButcherTableau& t) {
  auto abs = [](double x) { return x < 0 ? -x : x; };
  auto upd = [&abs](double worst, double x) { return abs(x) > worst ? abs(x) : worst; };
  if (t.stages < 1 || t.stages > kMaxStages || t.order < 1) return 1e300;
  if (t.embedded() && t.error_estimator_order < 1) return 1e300;
  double worst = upd(0.0, t.c[0]);
  double sum_b = 0, sum_e = 0, sum_e2 = 0;
  for (int i = 0; i < t.stages; ++i) {
    double row = 0;
    for (int j = 0; j < kMaxStages; ++j) {
      if (j < i) {
        row += t.a[i][j];
      } else {
        worst = upd(worst, t.a[i][j]);
      }
    }
    worst = upd(worst, row - t.c[i]);
    sum_b += t.b[i];
    sum_e += t.b_error[i];
    sum_e2 += t.b_error_secondary[i];
  }
  worst = upd(worst, sum_b - 1.0);
  worst = upd(worst, sum_e);
  worst = upd(worst, sum_e2);
  return worst;
}

// ---------------------------------------------------------------------------------------
// Fixed-step methods.

// Forward Euler (Euler 1768). Order 1.
constexpr ButcherTableau MakeEuler() {
  ButcherTableau t;
  t.name = "euler";
  t.order = 1;
  t.stages = 1;
  t.b[0] = 1.0;
  return t;
}

// Explicit midpoint rule (Runge 1895). Order 2.
constexpr ButcherTableau MakeMidpoint() {
  ButcherTableau t;
  t.name = "midpoint";
  t.order = 2;
  t.stages = 2;
  t.c[1] = 1.0 / 2;
  t.a[1][0] = 1.0 / 2;
  t.b[1] = 1.0;
  return t;
}

// Heun's method, the explicit trapezoidal rule (Heun 1900). Order 2.
constexpr ButcherTableau MakeHeun() {
  ButcherTableau t;
  t.name = "heun";
  t.order = 2;
  t.stages = 2;
  t.c[1] = 1.0;
  t.a[1][0] = 1.0;
  t.b[0] = 1.0 / 2;
  t.b[1] = 1.0 / 2;
  return t;
}

// The classic fourth-order method (Kutta 1901). Order 4.
constexpr ButcherTableau MakeRk4() {
  ButcherTableau t;
  t.name = "rk4";
  t.order = 4;
  t.stages = 4;
  t.c[1] = 1.0 / 2;
  t.c[2] = 1.0 / 2;
  t.c[3] = 1.0;
  t.a[1][0] = 1.0 / 2;
  t.a[2][1] = 1.0 / 2;
  t.a[3][2] = 1.0;
  t.b[0] = 1.0 / 6;
  t.b[1] = 1.0 / 3;
  t.b[2] = 1.0 / 3;
  t.b[3] = 1.0 / 6;
  return t;
}

// ---------------------------------------------------------------------------------------
// Embedded pairs (adaptive).

// Heun–Euler 2(1) ("rk12"): Heun's method propagated, forward Euler (b̂ = (1, 0)) embedded.
// Used by the ACA paper (Zhuang et al. 2020) for its image classification ODE-Net.
constexpr ButcherTableau MakeHeunEuler() {
  ButcherTableau t = MakeHeun();
  t.name = "heun_euler";
  t.embedded_order = 1;
  t.error_estimator_order = 1;
  t.b_error[0] = 1.0 / 2 - 1.0;  // b − b̂ with b̂ = (1, 0)
  t.b_error[1] = 1.0 / 2;
  return t;
}

// Bogacki–Shampine 3(2) ("rk23"): P. Bogacki, L. F. Shampine, "A 3(2) pair of Runge–Kutta
// formulas", Appl. Math. Lett. 2(4):321–325, 1989. FSAL, 4 stages.
constexpr ButcherTableau MakeBosh3() {
  ButcherTableau t;
  t.name = "bosh3";
  t.order = 3;
  t.embedded_order = 2;
  t.error_estimator_order = 2;
  t.stages = 4;
  t.c[1] = 1.0 / 2;
  t.c[2] = 3.0 / 4;
  t.c[3] = 1.0;
  t.a[1][0] = 1.0 / 2;
  t.a[2][1] = 3.0 / 4;
  t.a[3][0] = 2.0 / 9;
  t.a[3][1] = 1.0 / 3;
  t.a[3][2] = 4.0 / 9;
  t.b[0] = 2.0 / 9;
  t.b[1] = 1.0 / 3;
  t.b[2] = 4.0 / 9;
  // b̂ = (7/24, 1/4, 1/3, 1/8).
  t.b_error[0] = 2.0 / 9 - 7.0 / 24;
  t.b_error[1] = 1.0 / 3 - 1.0 / 4;
  t.b_error[2] = 4.0 / 9 - 1.0 / 3;
  t.b_error[3] = -1.0 / 8;
  return t;
}

// Dormand–Prince 5(4) ("rk45"): J. R. Dormand, P. J. Prince, "A family of embedded
// Runge–Kutta formulae", J. Comput. Appl. Math. 6(1):19–26, 1980. FSAL, 7 stages.
// Dense output: Shampine's interpolant (dense_output.h).
constexpr ButcherTableau MakeDopri5() {
  ButcherTableau t;
  t.name = "dopri5";
  t.order = 5;
  t.embedded_order = 4;
  t.error_estimator_order = 4;
  t.stages = 7;
  t.c[1] = 1.0 / 5;
  t.c[2] = 3.0 / 10;
  t.c[3] = 4.0 / 5;
  t.c[4] = 8.0 / 9;
  t.c[5] = 1.0;
  t.c[6] = 1.0;
  t.a[1][0] = 1.0 / 5;
  t.a[2][0] = 3.0 / 40;
  t.a[2][1] = 9.0 / 40;
  t.a[3][0] = 44.0 / 45;
  t.a[3][1] = -56.0 / 15;
  t.a[3][2] = 32.0 / 9;
  t.a[4][0] = 19372.0 / 6561;
  t.a[4][1] = -25360.0 / 2187;
  t.a[4][2] = 64448.0 / 6561;
  t.a[4][3] = -212.0 / 729;
  t.a[5][0] = 9017.0 / 3168;
  t.a[5][1] = -355.0 / 33;
  t.a[5][2] = 46732.0 / 5247;
  t.a[5][3] = 49.0 / 176;
  t.a[5][4] = -5103.0 / 18656;
  t.a[6][0] = 35.0 / 384;
  t.a[6][2] = 500.0 / 1113;
  t.a[6][3] = 125.0 / 192;
  t.a[6][4] = -2187.0 / 6784;
  t.a[6][5] = 11.0 / 84;
  t.b[0] = 35.0 / 384;
  t.b[2] = 500.0 / 1113;
  t.b[3] = 125.0 / 192;
  t.b[4] = -2187.0 / 6784;
  t.b[5] = 11.0 / 84;
  // b − b̂ with b̂ = (5179/57600, 0, 7571/16695, 393/640, −92097/339200, 187/2100, 1/40).
  t.b_error[0] = 71.0 / 57600;
  t.b_error[2] = -71.0 / 16695;
  t.b_error[3] = 71.0 / 1920;
  t.b_error[4] = -17253.0 / 339200;
  t.b_error[5] = 22.0 / 525;
  t.b_error[6] = -1.0 / 40;
  return t;
}

// Tsitouras 5(4): Ch. Tsitouras, "Runge–Kutta pairs of order 5(4) satisfying only the first
// column simplifying assumption", Comput. Math. Appl. 62(2):770–775, 2011. FSAL, 7 stages.
// The paper gives decimals (its Table 1); they are reproduced to double precision.
// Dense output: the paper's own interpolant (dense_output.h).
constexpr ButcherTableau MakeTsit5() {
  ButcherTableau t;
  t.name = "tsit5";
  t.order = 5;
  t.embedded_order = 4;
  t.error_estimator_order = 4;
  t.stages = 7;
  t.c[1] = 161.0 / 1000;
  t.c[2] = 327.0 / 1000;
  t.c[3] = 9.0 / 10;
  t.c[4] = 0.98002554090450968572981028628702;
  t.c[5] = 1.0;
  t.c[6] = 1.0;
  t.a[1][0] = 161.0 / 1000;
  t.a[2][0] = -0.0084806554923569885444268742502308;
  t.a[2][1] = 0.33548065549235698854442687425023;
  t.a[3][0] = 2.8971530571054934321304325941929;
  t.a[3][1] = -6.3594484899750748431481599123838;
  t.a[3][2] = 4.3622954328695814110177273181909;
  t.a[4][0] = 5.3258648284392566044288779208405;
  t.a[4][1] = -11.748883564062827877747170339786;
  t.a[4][2] = 7.4955393428898362083046047845644;
  t.a[4][3] = -0.092495066361755249256502079332072;
  t.a[5][0] = 5.8614554429464200286592514869826;
  t.a[5][1] = -12.920969317847109291706118681783;
  t.a[5][2] = 8.1593678985761586431804007945393;
  t.a[5][3] = -0.071584973281400997224530542525830;
  t.a[5][4] = -0.028269050394068382909003057212712;
  t.a[6][0] = 0.096460766818065229518167313165129;
  t.a[6][1] = 1.0 / 100;
  t.a[6][2] = 0.47988965041449957477524953229060;
  t.a[6][3] = 1.3790085741037418931922748218569;
  t.a[6][4] = -3.2900695154360806799010475857114;
  t.a[6][5] = 2.3247105240997739824153559183988;
  for (int j = 0; j < 6; ++j) t.b[j] = t.a[6][j];
  // b − b̂ with b̂ from the paper (b̂_7 = 1/66).
  t.b_error[0] = 0.096460766818065229518167313165129 - 0.094680755765839458074788762557589;
  t.b_error[1] = 1.0 / 100 - 0.0091835655403432530967763639366453;
  t.b_error[2] = 0.47988965041449957477524953229060 - 0.48777052842476157078556425996312;
  t.b_error[3] = 1.3790085741037418931922748218569 - 1.2342975669304789856551096738842;
  t.b_error[4] = -3.2900695154360806799010475857114 + 2.7077123499835254548811099750593;
  t.b_error[5] = 2.3247105240997739824153559183988 - 1.8666284181705870357537193995662;
  t.b_error[6] = -1.0 / 66;
  return t;
}

// Dormand–Prince 8(5,3) ("DOP853"): E. Hairer, S. P. Nørsett, G. Wanner, Solving Ordinary
// Differential Equations I, 2nd ed., Springer 1993, Section II.10, and Hairer's Fortran code
// dop853.f (coefficients to 30 digits as published there; the same values as scipy's
// `DOP853`). 12 stages, not FSAL by its data (the driver evaluates f(t + h, z_new) as the
// next step's k_1, as Hairer's code does). Error estimate: Hairer's combination of a
// 5th-order (b_error) and a 3rd-order (b_error_secondary) embedded estimator, see
// Note [DOP853 error norm] in error_norm.h; it behaves like h^8, so error_estimator_order = 7
// (as dop853.f's expo1 = 1/8 and scipy's DOP853). Dense output: Hairer's 7th-order
// interpolant of DOP853 (dop853.f's CONTD8; InterpolantKind::kDop853 in dense_output.h),
// which needs f(t + h, z_new) and 3 extra stages per step, evaluated only when dense output
// is requested.
constexpr ButcherTableau MakeDopri8() {
  ButcherTableau t;
  t.name = "dopri8";
  t.order = 8;
  t.embedded_order = 5;
  t.error_estimator_order = 7;
  t.stages = 12;
  // c2..c5 involve √6: c5 = (6 + √6)/30, c4 = (6 − √6)/30, c3 = 2/3 c4, c2 = 4/9 c4.
  t.c[1] = 0.526001519587677318785587544488e-01;
  t.c[2] = 0.789002279381515978178381316732e-01;
  t.c[3] = 0.118350341907227396726757197510;
  t.c[4] = 0.281649658092772603273242802490;
  t.c[5] = 1.0 / 3;
  t.c[6] = 1.0 / 4;
  t.c[7] = 4.0 / 13;
  t.c[8] = 127.0 / 195;
  t.c[9] = 3.0 / 5;
  t.c[10] = 6.0 / 7;
  t.c[11] = 1.0;
  t.a[1][0] = 5.26001519587677318785587544488e-2;
  t.a[2][0] = 1.97250569845378994544595329183e-2;
  t.a[2][1] = 5.91751709536136983633785987549e-2;
  t.a[3][0] = 2.95875854768068491816892993775e-2;
  t.a[3][2] = 8.87627564304205475450678981324e-2;
  t.a[4][0] = 2.41365134159266685502369798665e-1;
  t.a[4][2] = -8.84549479328286085344864962717e-1;
  t.a[4][3] = 9.24834003261792003115737966543e-1;
  t.a[5][0] = 3.7037037037037037037037037037e-2;
  t.a[5][3] = 1.70828608729473871279604482173e-1;
  t.a[5][4] = 1.25467687566822425016691814123e-1;
  t.a[6][0] = 3.7109375e-2;
  t.a[6][3] = 1.70252211019544039314978060272e-1;
  t.a[6][4] = 6.02165389804559606850219397283e-2;
  t.a[6][5] = -1.7578125e-2;
  t.a[7][0] = 3.70920001185047927108779319836e-2;
  t.a[7][3] = 1.70383925712239993810214054705e-1;
  t.a[7][4] = 1.07262030446373284651809199168e-1;
  t.a[7][5] = -1.53194377486244017527936158236e-2;
  t.a[7][6] = 8.27378916381402288758473766002e-3;
  t.a[8][0] = 6.24110958716075717114429577812e-1;
  t.a[8][3] = -3.36089262944694129406857109825;
  t.a[8][4] = -8.68219346841726006818189891453e-1;
  t.a[8][5] = 2.75920996994467083049415600797e1;
  t.a[8][6] = 2.01540675504778934086186788979e1;
  t.a[8][7] = -4.34898841810699588477366255144e1;
  t.a[9][0] = 4.77662536438264365890433908527e-1;
  t.a[9][3] = -2.48811461997166764192642586468;
  t.a[9][4] = -5.90290826836842996371446475743e-1;
  t.a[9][5] = 2.12300514481811942347288949897e1;
  t.a[9][6] = 1.52792336328824235832596922938e1;
  t.a[9][7] = -3.32882109689848629194453265587e1;
  t.a[9][8] = -2.03312017085086261358222928593e-2;
  t.a[10][0] = -9.3714243008598732571704021658e-1;
  t.a[10][3] = 5.18637242884406370830023853209;
  t.a[10][4] = 1.09143734899672957818500254654;
  t.a[10][5] = -8.14978701074692612513997267357;
  t.a[10][6] = -1.85200656599969598641566180701e1;
  t.a[10][7] = 2.27394870993505042818970056734e1;
  t.a[10][8] = 2.49360555267965238987089396762;
  t.a[10][9] = -3.0467644718982195003823669022;
  t.a[11][0] = 2.27331014751653820792359768449;
  t.a[11][3] = -1.05344954667372501984066689879e1;
  t.a[11][4] = -2.00087205822486249909675718444;
  t.a[11][5] = -1.79589318631187989172765950534e1;
  t.a[11][6] = 2.79488845294199600508499808837e1;
  t.a[11][7] = -2.85899827713502369474065508674;
  t.a[11][8] = -8.87285693353062954433549289258;
  t.a[11][9] = 1.23605671757943030647266201528e1;
  t.a[11][10] = 6.43392746015763530355970484046e-1;
  t.b[0] = 5.42937341165687622380535766363e-2;
  t.b[5] = 4.45031289275240888144113950566;
  t.b[6] = 1.89151789931450038304281599044;
  t.b[7] = -5.8012039600105847814672114227;
  t.b[8] = 3.1116436695781989440891606237e-1;
  t.b[9] = -1.52160949662516078556178806805e-1;
  t.b[10] = 2.01365400804030348374776537501e-1;
  t.b[11] = 4.47106157277725905176885569043e-2;
  // 5th-order estimator: dop853.f's ER1, ER6..ER12 (= b − b̂₅).
  t.b_error[0] = 0.1312004499419488073250102996e-01;
  t.b_error[5] = -0.1225156446376204440720569753e+01;
  t.b_error[6] = -0.4957589496572501915214079952;
  t.b_error[7] = 0.1664377182454986536961530415e+01;
  t.b_error[8] = -0.3503288487499736816886487290;
  t.b_error[9] = 0.3341791187130174790297318841;
  t.b_error[10] = 0.8192320648511571246570742613e-01;
  t.b_error[11] = -0.2235530786388629525884427845e-01;
  // 3rd-order estimator: b − b̂₃ with dop853.f's BHH1, BHH2, BHH3 at stages 1, 9, 12.
  for (int j = 0; j < 12; ++j) t.b_error_secondary[j] = t.b[j];
  t.b_error_secondary[0] -= 0.244094488188976377952755905512;
  t.b_error_secondary[8] -= 0.733846688281611857341361741547;
  t.b_error_secondary[11] -= 0.220588235294117647058823529412e-01;
  return t;
}

inline constexpr ButcherTableau kEuler = MakeEuler();
inline constexpr ButcherTableau kMidpoint = MakeMidpoint();
inline constexpr ButcherTableau kHeun = MakeHeun();
inline constexpr ButcherTableau kRk4 = MakeRk4();
inline constexpr ButcherTableau kHeunEuler = MakeHeunEuler();
inline constexpr ButcherTableau kBosh3 = MakeBosh3();
inline constexpr ButcherTableau kDopri5 = MakeDopri5();
inline constexpr ButcherTableau kTsit5 = MakeTsit5();
inline constexpr ButcherTableau kDopri8 = MakeDopri8();

// Every tableau, in the order above (euler, midpoint, heun, rk4, heun_euler, bosh3, dopri5,
// tsit5, dopri8).
const std::vector<const ButcherTableau*>& AllTableaux();

// The tableau named `name` (a canonical name above or an alias: rk12 = heun_euler,
// rk23 = bosh3, rk45 = dopri5, dop853 = dopri8). Unknown names give InvalidArgument
// naming the method and listing the valid names. The pointer is to static storage.
absl::StatusOr<const ButcherTableau*> FindTableau(std::string_view name);

// "euler, midpoint, ..., dopri8 (aliases: rk12, rk23, rk45, dop853)", for messages.
std::string ValidMethodNames();

// Every name FindTableau accepts: the canonical names in AllTableaux() order, then the
// aliases.
std::vector<std::string> MethodNames();

}  // namespace solvers
}  // namespace acaode

#endif  // ACAODE_SOLVERS_BUTCHER_TABLEAU_H_
