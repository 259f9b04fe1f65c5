#include "aca/time_gradient.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "aca/state_scope.h"
#include "autograd/creation.h"
#include "autograd/error.h"
#include "autograd/function.h"
#include "autograd/ops.h"

namespace acaode {
namespace aca {

struct OutputTimeGradients::Shared {
  solvers::DynamicsFn f;
  solvers::SaveState save_state;
  std::vector<double> times;
  Shape ts_shape;
  DType ts_dtype;
  // f(t_0, y_0), left by the outputs' node for the origin's node, which runs after it in
  // the same backward pass (undefined otherwise: the origin's node then evaluates f).
  Tensor f_at_origin;
};

namespace {

using TimeGradFn = std::function<Grads(const Grads&)>;

// f(t, z) untaped (backward passes run with grad mode off), checked to have z's shape;
// `what` names the gradient it serves in the error.
Tensor EvaluateF(const char* what, const solvers::DynamicsFn& f, double t, const Tensor& z) {
  Tensor dz = f(t, z);
  if (!dz.defined() || dz.shape() != z.shape()) {
    throw RuntimeError(std::string("backward (") + what + "): f(t, z) at t = " + std::to_string(t) +
                       " returned shape " +
                       (dz.defined() ? ShapeToString(dz.shape()) : std::string("undefined")) +
                       ", expected the state's " + ShapeToString(z.shape()));
  }
  return dz;
}

// <a, b> accumulated in float64.
double Dot(const Tensor& a, const Tensor& b) {
  return Sum(Mul(a.to(DType::kFloat64), b.to(DType::kFloat64))).item();
}

// `out` (one of `inputs`) as a fresh view carrying a node with `backward`.
Tensor Attach(const char* name, const std::vector<Tensor>& inputs, const Tensor& out,
              TimeGradFn backward) {
  auto node = std::make_shared<LambdaNode<TimeGradFn>>(name, std::move(backward));
  return ApplyFunction(node, inputs, {out})[0];
}

}  // namespace

OutputTimeGradients::OutputTimeGradients(solvers::DynamicsFn f, solvers::SaveState save_state,
                                         const Tensor& ts, std::vector<double> times)
    : shared_(std::make_shared<Shared>()), ts_(ts) {
  shared_->f = std::move(f);
  shared_->save_state = std::move(save_state);
  shared_->times = std::move(times);
  shared_->ts_shape = ts.shape();
  shared_->ts_dtype = ts.dtype();
}

Tensor OutputTimeGradients::AttachToOrigin(const Tensor& z0) const {
  return Attach("OdeintTimeOriginBackward", {z0, ts_}, z0,
                [shared = shared_, z0 = z0.detach()](const Grads& g) {
                  Tensor f0 = std::move(shared->f_at_origin);
                  shared->f_at_origin = Tensor();
                  if (!f0.defined()) {
                    const StateRestoreScope keep_state(shared->save_state);
                    f0 = EvaluateF("output-time gradient", shared->f, shared->times[0], z0);
                  }
                  // dL/dt_0 gets -<a, f(t_0, z_0)> here (Note [Output-time gradients]).
                  std::vector<double> dts(shared->times.size(), 0.0);
                  dts[0] = -Dot(g[0], f0);
                  return Grads{g[0], FromVector(dts, shared->ts_shape, shared->ts_dtype)};
                });
}

Tensor OutputTimeGradients::AttachToOutputs(const Tensor& ys,
                                            const std::shared_ptr<SolveStats>& stats) const {
  return Attach("OdeintOutputTimesBackward", {ys, ts_}, ys,
                [shared = shared_, stats, ys = ys.detach()](const Grads& g) {
                  const StateRestoreScope keep_state(shared->save_state);
                  const std::vector<double>& t = shared->times;
                  std::vector<double> dts(t.size(), 0.0);
                  // dL/dt_k = <g_k, f(t_k, y_k)> (Note [Output-time gradients]).
                  for (size_t k = 0; k < t.size(); ++k) {
                    const int64_t i = static_cast<int64_t>(k);
                    const Tensor f_k = EvaluateF("output-time gradient", shared->f, t[k], ys[i]);
                    if (stats) ++stats->backward_f_evals;
                    dts[k] = Dot(g[0][i], f_k);
                    if (k == 0) shared->f_at_origin = f_k;
                  }
                  return Grads{g[0], FromVector(dts, shared->ts_shape, shared->ts_dtype)};
                });
}

Tensor WithStageTime(const solvers::DynamicsFn& f, const solvers::SaveState& save_state,
                     const std::shared_ptr<SolveStats>& stats, const Tensor& k,
                     const Tensor& t_taped, double t, const Tensor& y) {
  return Attach("OdeintStageTimeBackward", {k, t_taped}, k,
                [f, save_state, stats, t, y = y.detach(), dtype = t_taped.dtype()](const Grads& g) {
                  const StateRestoreScope keep_state(save_state);
                  const double eps = y.dtype() == DType::kFloat32
                                         ? std::numeric_limits<float>::epsilon()
                                         : std::numeric_limits<double>::epsilon();
                  const double step = std::cbrt(eps) * std::max(1.0, std::abs(t));
                  const Tensor up = EvaluateF("naive method, f's time argument", f, t + step, y);
                  const Tensor down = EvaluateF("naive method, f's time argument", f, t - step, y);
                  if (stats) stats->backward_f_evals += 2;
                  // <g, ∂f/∂t> by a central difference; exactly 0 for an autonomous f.
                  const double d = Dot(g[0], Sub(up, down));
                  return Grads{g[0], d == 0.0 ? Tensor() : Scalar(d / (2 * step), dtype)};
                });
}

}  // namespace aca
}  // namespace acaode
