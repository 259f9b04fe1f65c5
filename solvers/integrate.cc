#include "solvers/integrate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "autograd/allocator.h"
#include "autograd/grad_mode.h"
#include "autograd/ops/shape.h"
#include "solvers/initial_step.h"
#include "util/interrupt.h"
#include "util/status_macros.h"

namespace acaode {
namespace solvers {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string AdaptiveMethodNames() {
  std::string names;
  for (const ButcherTableau* t : AllTableaux()) {
    if (t->embedded()) absl::StrAppend(&names, names.empty() ? "" : ", ", t->name);
  }
  return names;
}

}  // namespace

absl::Status IntegrateOptions::Validate() const {
  ASSIGN_OR_RETURN(const ButcherTableau* tableau, FindTableau(method));
  RETURN_IF_ERROR(tolerances().Validate(Tensor()));
  RETURN_IF_ERROR(ValidateStepControl("IntegrateOptions."));
  RETURN_IF_ERROR(controller.Validate());
  if (step_size == 0 && !tableau->embedded()) {
    return absl::InvalidArgumentError(
        absl::StrCat("method \"", method,
                     "\" has no error estimate, so it cannot choose its own steps: "
                     "set step_size > 0 for a fixed grid, or use an adaptive method (",
                     AdaptiveMethodNames(), ")"));
  }
  return absl::OkStatus();
}

absl::Status ValidateTimes(const std::vector<double>& ts) {
  if (ts.empty()) {
    return absl::InvalidArgumentError(
        "ts is empty: pass at least the initial time (ts[0] is the time of z0)");
  }
  for (size_t i = 0; i < ts.size(); ++i) {
    if (!std::isfinite(ts[i])) {
      return absl::InvalidArgumentError(absl::StrCat("ts[", i, "] = ", ts[i], " is not finite"));
    }
  }
  if (ts.size() < 2) return absl::OkStatus();
  const bool forward = ts[1] > ts[0];
  for (size_t i = 1; i < ts.size(); ++i) {
    const bool ok = forward ? ts[i] > ts[i - 1] : ts[i] < ts[i - 1];
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("ts must be strictly ", forward ? "increasing" : "decreasing",
                       " (forward or backward in time), but ts[", i - 1, "] = ", ts[i - 1],
                       " and ts[", i, "] = ", ts[i]));
    }
  }
  return absl::OkStatus();
}

// ----------------------------------------------------------------------------------------
// Stepper

Stepper::Stepper(const DynamicsFn& f, const ButcherTableau& tableau,
                 const IntegrateOptions& options, double t0, const Tensor& z0, double direction)
    : f_(f),
      rk_(tableau),
      tol_(options.tolerances()),
      options_(options),
      direction_(direction),
      driver_(StepLimits{options.step_size, options.max_steps, options.dt_min, options.dt_max,
                         options.rtol, options.atol},
              options.controller, tableau.error_estimator_order, t0, direction),
      t_(t0),
      z_(z0) {
  driver_.set_save_state(options.save_state);
}

absl::StatusOr<std::unique_ptr<Stepper>> Stepper::Create(const DynamicsFn& f, double t0,
                                                         const Tensor& z0, double t_end,
                                                         const IntegrateOptions& options) {
  RETURN_IF_ERROR(options.Validate());
  if (!f) return absl::InvalidArgumentError("f is empty: pass the dynamics function");
  if (!z0.defined()) return absl::InvalidArgumentError("z0 is undefined");
  if (!std::isfinite(t0) || !std::isfinite(t_end)) {
    return absl::InvalidArgumentError(
        absl::StrCat("t0 = ", t0, " and t_end = ", t_end, " must be finite"));
  }
  RETURN_IF_ERROR(options.tolerances().Validate(z0));
  if (!AllFinite(z0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "z0 contains a non-finite value (NaN or inf) at t = ", t0, ": pass a finite state"));
  }
  const ButcherTableau* tableau = *FindTableau(options.method);
  const double direction = t_end >= t0 ? 1.0 : -1.0;
  std::unique_ptr<Stepper> s(new Stepper(f, *tableau, options, t0, z0, direction));
  s->taping_ = options.tape_step && options.tape_step();
  if (s->taping_) {  // Note [Taped steps from a leaf]
    s->z_ = z0.detach();
    s->z_.set_requires_grad(true);
    s->rk_.set_fsal_stage_on_leaf(true);
    EnableGradGuard taped;
    s->k1_ = f(t0, s->z_);
  } else {
    s->k1_ = f(t0, z0);
  }
  ++s->stats_.f_evals;
  if (!s->k1_.defined() || s->k1_.shape() != z0.shape() || s->k1_.dtype() != z0.dtype()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "f(t0, z0) must return a tensor of z0's shape ", ShapeToString(z0.shape()), " and dtype ",
        DTypeName(z0.dtype()), ", got ",
        s->k1_.defined() ? ShapeToString(s->k1_.shape()) : std::string("an undefined tensor")));
  }
  if (!AllFinite(s->k1_)) {
    return absl::FailedPreconditionError(
        absl::StrCat("non-finite derivative: f(t, z0) contains NaN or inf at t = ", t0,
                     " (the initial state); check f and z0"));
  }
  if (options.step_size > 0) {
    s->driver_.set_h_abs(options.step_size);
  } else if (options.first_step > 0) {
    s->driver_.set_h_abs(std::min(options.first_step, options.dt_max));
  } else {
    NoGradGuard untaped;  // a plain double
    s->driver_.set_h_abs(SelectInitialStep(f, t0, z0, s->k1_, t_end, tableau->error_estimator_order,
                                           s->tol_, options.dt_max, &s->stats_.f_evals));
  }
  return s;
}

const Tensor& Stepper::EnsureK1() {
  if (!k1_.defined()) {
    k1_ = f_(t_, z_);
    ++stats_.f_evals;
  }
  return k1_;
}

absl::Status Stepper::AdvanceTo(double t_stop, const StepObserver& observer) {
  while (t_ != t_stop) RETURN_IF_ERROR(Step(t_stop, observer));
  return absl::OkStatus();
}

absl::Status Stepper::Step(double t_stop, const StepObserver& observer) {
  if (t_ == t_stop) return absl::OkStatus();
  if (taping_ && !options_.tape_step()) {
    taping_ = false;
    rk_.set_fsal_stage_on_leaf(false);
  }
  observer_ = &observer;
  absl::Status status;
  if (!taping_) {
    status = StepWithDriver(t_stop);
  } else {
    EnableGradGuard taped;
    status = StepWithDriver(t_stop);
  }
  observer_ = nullptr;
  stats_.rejected_steps = driver_.rejected();
  return status;
}

absl::Status Stepper::StepWithDriver(double t_stop) {
  if (!driver_.fixed() && driver_.h_abs() <= 0 && std::isfinite(t_stop) &&
      direction_ * (t_stop - t_) > 0) {
    // Created with t_end == t0: pick a first step toward t_stop now.
    const Tensor& k1 = EnsureK1();
    NoGradGuard untaped;  // a plain double
    driver_.set_h_abs(SelectInitialStep(f_, t_, z_, k1, t_stop, rk_.tableau().error_estimator_order,
                                        tol_, options_.dt_max, &stats_.f_evals));
  }
  return driver_.Step(t_stop, *this);
}

// Note [Taped last step]: ACA's backward pass starts with the last step. Without a memory
// budget it would replay that step from its checkpoint right after the forward pass
// computed it; taping the trials that end at the last output time keeps the accepted
// one's graph instead — the very graph the replay would record (its k_1 is evaluated on
// the leaf, as the replay evaluates it), so the gradient is the same bit for bit. The
// graph kept is the one step's working graph that the paper's ACA holds during its
// backward pass anyway; while the trial runs, the graphs of its error estimate and of an
// FSAL tableau's last stage (one more evaluation of f) come on top, and go with the trial.
// A rejected taped trial is dropped like any other.
void Stepper::RunTrial(double t_new, bool compute_error) {
  last_taped_ = !taping_ && t_new == options_.tape_trials_ending_at;
  if (!taping_ && !last_taped_) {
    rk_.StepTo(f_, t_, t_new, z_, k1_, &step_, compute_error);
    return;
  }
  // Release the previous trial first, so that the difference counts this one only.
  step_.k.clear();
  step_.z_new = step_.error = step_.error_secondary = step_.z_new_leaf = Tensor();
  last_leaf_ = Tensor();
  const size_t before = CpuAllocator().Stats().bytes_in_use;
  if (taping_) {
    rk_.StepTo(f_, t_, t_new, z_, k1_, &step_, compute_error);
  } else {
    EnableGradGuard taped;
    last_leaf_ = z_.detach();
    last_leaf_.set_requires_grad(true);
    // An FSAL k_1 carried over has already left its mark on f's state (SolveOptions::
    // save_state): the state goes back after this second evaluation at the same point.
    const std::function<void()> restore_state =
        k1_.defined() && options_.save_state ? options_.save_state() : nullptr;
    const Tensor k1 = f_(t_, last_leaf_);
    ++stats_.f_evals;
    if (restore_state) restore_state();
    rk_.StepTo(f_, t_, t_new, last_leaf_, k1, &step_, compute_error);
  }
  const size_t after = CpuAllocator().Stats().bytes_in_use;
  trial_bytes_ = after > before ? after - before : 0;
}

double Stepper::Trial(double /*t*/, double t_new, bool with_error) {
  RunTrial(t_new, with_error);
  stats_.f_evals += step_.f_evals;
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (!with_error) return AllFinite(step_.z_new) ? 0.0 : kNaN;
  if (!k1_.defined()) {  // reused by retries of this step (untaped)
    k1_ = last_taped_ ? step_.k[0].detach() : step_.k[0];
  }
  return ErrorNormOfFiniteStep(step_.error, step_.error_secondary, z_, step_.z_new, tol_);
}

void Stepper::Accept(double t_new) {
  const StepObserver& observer = *observer_;
  const Tensor z_old = last_taped_ ? last_leaf_ : z_;
  const double t_old = t_;
  t_ = t_new;
  if (last_taped_) {
    z_ = step_.z_new.detach();  // Note [Taped last step]
  } else if (!taping_) {
    z_ = step_.z_new;
  } else if (step_.z_new_leaf.defined()) {
    z_ = step_.z_new_leaf;  // the FSAL stage was evaluated on it
  } else {
    z_ = step_.z_new.detach();  // Note [Taped steps from a leaf]
    z_.set_requires_grad(true);
  }
  k1_ = !rk_.tableau().fsal() ? Tensor() : last_taped_ ? step_.k.back().detach() : step_.k.back();
  const int64_t index = stats_.accepted_steps++;
  stats_.rejected_steps = driver_.rejected();
  if (observer) {
    observer(AcceptedStep{index, t_old, t_new, z_old, z_, step_,
                          taping_ || last_taped_ ? trial_bytes_ : 0});
  }
  if (options_.on_accepted_step) options_.on_accepted_step(t_, z_);
}

// ----------------------------------------------------------------------------------------
// Integrate

absl::StatusOr<Solution> Integrate(const DynamicsFn& f, const Tensor& z0,
                                   const std::vector<double>& ts, const IntegrateOptions& options) {
  return Integrate(f, z0, ts, options, nullptr);
}

absl::StatusOr<Solution> Integrate(const DynamicsFn& f, const Tensor& z0,
                                   const std::vector<double>& ts, const IntegrateOptions& options,
                                   const StepObserver& observer) {
  RETURN_IF_ERROR(ValidateTimes(ts));
  ASSIGN_OR_RETURN(std::unique_ptr<Stepper> stepper,
                   Stepper::Create(f, ts.front(), z0, ts.back(), options));
  Solution sol;
  sol.ts = ts;
  sol.accepted_times.push_back(ts.front());
  if (options.record_accepted) sol.accepted_states.push_back(z0);
  sol.output_index.push_back(0);
  const InterpolantKind kind = InterpolantFor(stepper->tableau());
  sol.dense = DenseOutput(kind);
  int64_t dense_evals = 0;  // dopri8's extra dense-output stages

  StepObserver record = [&](const AcceptedStep& s) {
    sol.accepted_times.push_back(s.t1);
    if (options.record_accepted) sol.accepted_states.push_back(s.z1);
    if (options.dense_output) {
      DenseSegment segment{s.t0, s.t1, s.z0, s.z1, {}};
      switch (kind) {
        case InterpolantKind::kDopri5:
        case InterpolantKind::kTsit5:
          segment.k = s.step.k;
          break;
        case InterpolantKind::kDop853:
          // f(t1, z1) is the next step's k1: EnsureK1 evaluates it once for both.
          segment.k = s.step.k;
          Dop853ExtendStages(f, s.t0, s.t1, s.z0, stepper->EnsureK1(), &segment.k);
          dense_evals += 3;
          break;
        case InterpolantKind::kHermite:
          segment.k = {s.step.k.front(), stepper->EnsureK1()};
          break;
      }
      sol.dense.Append(std::move(segment));
    }
    if (observer) observer(s);
  };

  std::vector<Tensor> rows;
  rows.reserve(ts.size());
  // Taped steps: the state is a leaf that requires grad; the output holds values only, so
  // stacking them records nothing.
  rows.push_back(options.tape_step ? z0.detach() : z0);
  for (size_t i = 1; i < ts.size(); ++i) {
    RETURN_IF_ERROR(stepper->AdvanceTo(ts[i], record));
    rows.push_back(options.tape_step ? stepper->z().detach() : stepper->z());
    sol.output_index.push_back(static_cast<int64_t>(sol.accepted_times.size()) - 1);
  }
  sol.ys = Stack(rows, 0);
  sol.stats = stepper->stats();
  sol.stats.f_evals += dense_evals;
  return sol;
}

}  // namespace solvers
}  // namespace acaode
