// The solve entry point: OdeintOptions (field by field), SolveStats, Solution and
// _core.odeint_solve, which acaode.odeint / acaode.solve (python/acaode/_odeint.py) call
// after translating their keyword arguments.
//
// `func` becomes the C++ dynamics (aca::DynamicsFn) as follows:
//   * a C++ ODE module (nn.AutonomousOde, ...) or a Python Module subclass: Forward(t, z)
//     (the latter calls the Python forward(t, z), Note [Python modules]);
//   * any other C++ module (nn.Sequential, nn.Linear, ...): f(t, z) = module(z);
//   * a plain Python callable: f(t, z) with the GIL taken for each call.
// The solve runs with the GIL released (Note [GIL in solves]); the closure also holds
// `func` itself through a GilSafeObject so that the Python object outlives every use,
// including the replays of a later backward().
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <sstream>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "aca/odeint.h"
#include "aca/options.h"
#include "aca/stats.h"
#include "autograd/nn/module.h"
#include "autograd/nn/ode_module.h"
#include "bindings/core/bindings.h"
#include "bindings/core/sigint.h"
#include "solvers/butcher_tableau.h"

namespace acaode::bindings {
namespace {

struct Solution {
  Tensor ys;
  std::vector<double> ts;
  std::shared_ptr<aca::SolveStats> stats;
  std::vector<double> accepted_times;
};

// Whether func ignores t by construction: a C++ module used as f(t, z) = module(z), or
// nn.AutonomousOde.
bool IgnoresTime(const py::object& func) {
  if (!py::isinstance<nn::Module>(func)) return false;
  auto module = func.cast<std::shared_ptr<nn::Module>>();
  auto ode = std::dynamic_pointer_cast<nn::OdeModule>(module);
  return ode == nullptr || typeid(*ode) == typeid(nn::AutonomousOde);
}

aca::DynamicsFn MakeDynamics(const py::object& func) {
  auto keep = std::make_shared<GilSafeObject>(func);
  if (py::isinstance<nn::Module>(func)) {
    auto module = func.cast<std::shared_ptr<nn::Module>>();
    if (auto ode = std::dynamic_pointer_cast<nn::OdeModule>(module)) {
      return [ode, keep](double t, const Tensor& z) { return ode->Forward(t, z); };
    }
    return [module, keep](double, const Tensor& z) { return module->Forward(z); };
  }
  if (!PyCallable_Check(func.ptr())) {
    throw py::type_error("func: must be an acaode.nn.Module or a callable f(t, z) returning dz/dt");
  }
  return [keep](double t, const Tensor& z) {
    py::gil_scoped_acquire gil;
    CountPythonCallback();
    py::object out = keep->get()(t, z);
    if (!py::isinstance<Tensor>(out)) {
      throw py::type_error(absl::StrCat("func returned ",
                                        std::string(py::str(out.get_type().attr("__name__"))),
                                        "; it must return an acaode.Tensor of z's shape"));
    }
    return out.cast<Tensor>();
  };
}

// callback(t, z) after every accepted step of the forward solve (the GIL taken for the
// call); z is a detached view of the state.
std::function<void(double, const Tensor&)> MakeStepCallback(const py::object& callback) {
  if (!PyCallable_Check(callback.ptr())) {
    throw py::type_error(absl::StrCat("callback: must be a callable callback(t, z), got ",
                                      std::string(py::str(callback.get_type().attr("__name__")))));
  }
  auto keep = std::make_shared<GilSafeObject>(callback);
  return [keep](double t, const Tensor& z) {
    py::gil_scoped_acquire gil;
    CountPythonCallback();
    keep->get()(t, z.detach());
  };
}

// The C++ option and argument names in a status message, renamed to the Python arguments.
absl::Status RenameArguments(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kInvalidArgument) return status;
  std::string message(status.message());
  if (message.rfind("ts", 0) == 0) {
    message = absl::StrReplaceAll(message, {{"ts[", "t["}, {"ts ", "t "}});
  }
  message = absl::StrReplaceAll(message, {{"OdeintOptions.rtol_tensor/atol_tensor", "rtol/atol"},
                                          {"OdeintOptions.adjoint.", "adjoint_"},
                                          {"OdeintOptions.", ""},
                                          {"Odeint: ", ""}});
  return absl::InvalidArgumentError(absl::StrCat("odeint: ", message));
}

}  // namespace

void BindOdeint(py::module_& m) {
  py::enum_<aca::GradientMethod>(m, "GradientMethod",
                                 "How a solve computes gradients (odeint's gradient= argument).")
      .value("aca", aca::GradientMethod::kAca,
             "Adaptive checkpoint adjoint: an untaped forward solve keeping the accepted "
             "states; backward replays each step taped. Exact for the discrete solution.")
      .value("adjoint", aca::GradientMethod::kAdjoint,
             "Continuous adjoint: a backward solve of the augmented system (AdjointOptions); "
             "z is reconstructed backward in time, which is inexact.")
      .value("naive", aca::GradientMethod::kNaive,
             "Back-propagation through the whole taped solve, step-size search included; the "
             "most memory.")
      .value("mali", aca::GradientMethod::kMali,
             "MALI: the reversible ALF solver (method 'alf') keeping only the end state; "
             "backward inverts each step, then replays it taped.")
      .def_property_readonly(
          "name", [](aca::GradientMethod g) { return std::string(aca::GradientMethodName(g)); },
          "The member's name: 'aca', 'adjoint', 'naive' or 'mali'.")
      .def_property_readonly(
          "value", [](aca::GradientMethod g) { return static_cast<int>(g); },
          "The member's integer value (aca 0, adjoint 1, naive 2, mali 3).");

  py::enum_<aca::AdjointNorm>(m, "AdjointNorm",
                              "The continuous adjoint's backward error norm (odeint's "
                              "adjoint_norm= argument).")
      .value("rms", aca::AdjointNorm::kRms, "One RMS norm over the whole [z, a, g_theta].")
      .value("mixed", aca::AdjointNorm::kMixed,
             "torchdiffeq's default: the largest of the RMS norms of z, of a and of each "
             "parameter's gradient.")
      .value("seminorm", aca::AdjointNorm::kSeminorm,
             "torchdiffeq's seminorm: the larger of the RMS norms of z and a; the parameters' "
             "gradients do not steer the step size.")
      .def_property_readonly(
          "name", [](aca::AdjointNorm n) { return std::string(aca::AdjointNormName(n)); },
          "The member's name: 'rms', 'mixed' or 'seminorm'.")
      .def_property_readonly(
          "value", [](aca::AdjointNorm n) { return static_cast<int>(n); },
          "The member's integer value (rms 0, mixed 1, seminorm 2).");

  py::class_<aca::AdjointOptions>(m, "AdjointOptions", py::is_final(),
                                  "The continuous adjoint's backward solve; unset fields "
                                  "(negative, empty) take the forward solve's value.")
      .def(py::init<>(), "Every field unset: the backward solve takes the forward's values.")
      .def_readwrite("method", &aca::AdjointOptions::method,
                     "Tableau name of the backward solve; '' (default): the forward's method.")
      .def_readwrite("rtol", &aca::AdjointOptions::rtol,
                     "Relative tolerance of the backward solve; negative (default -1): the "
                     "forward's rtol.")
      .def_readwrite("atol", &aca::AdjointOptions::atol,
                     "Absolute tolerance of the backward solve; negative (default -1): the "
                     "forward's atol.")
      .def_readwrite("max_steps", &aca::AdjointOptions::max_steps,
                     "Most steps (accepted + rejected) of each backward interval; 0 (default): "
                     "the forward's max_steps.")
      .def_readwrite("norm", &aca::AdjointOptions::norm,
                     "The backward solve's error norm (AdjointNorm; default rms).");

  py::class_<aca::OdeintOptions>(m, "OdeintOptions", py::is_final(),
                                 "Options of a solve (aca/options.h), field by field.")
      .def(py::init<>(), "The default options (the defaults given on each field).")
      .def_readwrite("method", &aca::OdeintOptions::method,
                     "Tableau name of the forward solve (default 'dopri5'; see method_names()). "
                     "Adaptive steps need an embedded method unless step_size > 0; 'alf' goes "
                     "with gradient mali, and only then.")
      .def_readwrite("rtol", &aca::OdeintOptions::rtol,
                     "Relative tolerance (default 1e-6): a step is accepted when the RMS over "
                     "the components of err_i / (atol + rtol max(|z_i|, |z_new,i|)) is <= 1.")
      .def_readwrite("atol", &aca::OdeintOptions::atol,
                     "Absolute tolerance (default 1e-8); see rtol.")
      .def_readwrite("rtol_tensor", &aca::OdeintOptions::rtol_tensor,
                     "Per-component relative tolerances (broadcastable to z0) that replace "
                     "rtol when set (unset by default); the adjoint's backward solve uses the "
                     "scalar rtol.")
      .def_readwrite("atol_tensor", &aca::OdeintOptions::atol_tensor,
                     "Per-component absolute tolerances (broadcastable to z0) that replace "
                     "atol when set (unset by default); the adjoint's backward solve uses the "
                     "scalar atol.")
      .def_readwrite("step_size", &aca::OdeintOptions::step_size,
                     "A fixed grid when > 0: steps of this size, each interval's last one "
                     "shortened to land on the output time, no error control; 0 (default): "
                     "adaptive steps.")
      .def_readwrite("first_step", &aca::OdeintOptions::first_step,
                     "The first adaptive step's size; 0 (default): chosen by Hairer's "
                     "algorithm.")
      .def_readwrite("max_steps", &aca::OdeintOptions::max_steps,
                     "The forward solve fails (SolverError) after this many steps, accepted + "
                     "rejected, over all intervals (default 100000).")
      .def_readwrite("dt_min", &aca::OdeintOptions::dt_min,
                     "Smallest |h| of an adaptive step (default 0); a smaller one fails with "
                     "'step size underflow'.")
      .def_readwrite("dt_max", &aca::OdeintOptions::dt_max,
                     "Largest |h| of an adaptive step (default inf).")
      .def_readwrite("gradient", &aca::OdeintOptions::gradient,
                     "How gradients are computed, a GradientMethod (default aca).")
      .def_readwrite("adjoint", &aca::OdeintOptions::adjoint,
                     "The continuous adjoint's backward solve (AdjointOptions; used by gradient "
                     "adjoint only).")
      .def_readwrite("mali_damping", &aca::OdeintOptions::mali_damping,
                     "Gradient mali only: the ALF damping d in [0, 1), d != 1/2 (default 0: "
                     "undamped ALF).")
      .def_readwrite("memory_budget", &aca::OdeintOptions::memory_budget,
                     "Gradient aca only: bytes ACA may hold between the forward and backward "
                     "passes (states and kept tapes); -1 (default): no budget (every accepted "
                     "state, no tape); 2**63 - 1: every tape. The gradient is the same bit for "
                     "bit.")
      .def_readwrite("autonomous", &aca::OdeintOptions::autonomous,
                     "Whether f ignores t (default False); the naive method then skips the "
                     "evaluations that carry f's time dependence into its taped step sizes.")
      .def(
          "validate",
          [](const aca::OdeintOptions& o) {
            ThrowIfError(RenameArguments(o.Validate()), ErrorDomain::kSolver);
          },
          "Checks the options: ValueError naming the argument, its value and the violated "
          "constraint; returns None when they are valid.");

  py::class_<aca::SolveStats, std::shared_ptr<aca::SolveStats>>(
      m, "SolveStats", py::is_final(),
      "Statistics of one solve; the backward fields are filled in when backward() has run "
      "through it.")
      .def_readonly("forward_f_evals", &aca::SolveStats::forward_f_evals,
                    "Evaluations of f in the forward solve (initial step selection included).")
      .def_readonly("backward_f_evals", &aca::SolveStats::backward_f_evals,
                    "Evaluations of f in the backward pass (ACA: the replays; adjoint: the "
                    "augmented dynamics, one taped f and one VJP each; naive: 0).")
      .def_readonly("accepted_steps", &aca::SolveStats::accepted_steps,
                    "Accepted steps of the forward solve.")
      .def_readonly("rejected_steps", &aca::SolveStats::rejected_steps,
                    "Rejected steps of the forward solve.")
      .def_readonly("backward_accepted_steps", &aca::SolveStats::backward_accepted_steps,
                    "Accepted steps of the adjoint's backward solve (gradient adjoint only).")
      .def_readonly("backward_rejected_steps", &aca::SolveStats::backward_rejected_steps,
                    "Rejected steps of the adjoint's backward solve (gradient adjoint only).")
      .def_readonly("checkpoint_bytes", &aca::SolveStats::checkpoint_bytes,
                    "Bytes of states kept between forward and backward beyond the inputs and "
                    "outputs: ACA's accepted states (with a budget, those it kept); 0 for the "
                    "adjoint and naive.")
      .def_readonly("peak_tape_bytes", &aca::SolveStats::peak_tape_bytes,
                    "Most bytes held by a recorded graph at one time (naive: the taped solve; "
                    "ACA: the largest replay of one step; adjoint: the largest taped f); 0 "
                    "until something is taped.")
      .def_readonly("backward_done", &aca::SolveStats::backward_done,
                    "Whether a backward pass has run through this solve and completed.")
      .def_readonly("memory_budget", &aca::SolveStats::memory_budget,
                    "ACA's memory budget in bytes (-1: none).")
      .def_readonly("peak_held_bytes", &aca::SolveStats::peak_held_bytes,
                    "ACA with a budget: most bytes held for the backward pass at one time.")
      .def_readonly("retained_steps", &aca::SolveStats::retained_steps,
                    "ACA with a budget: steps whose tapes the forward pass kept.")
      .def_readonly("replayed_steps", &aca::SolveStats::replayed_steps,
                    "ACA: steps the backward pass replayed.")
      .def_readonly("recomputed_steps", &aca::SolveStats::recomputed_steps,
                    "ACA with a budget: forward steps recomputed (binomial checkpointing).")
      .def_readonly("replay_max_abs_diff", &aca::SolveStats::replay_max_abs_diff,
                    "ACA: largest |replayed z_i - stored z_i| over the backward replays; "
                    "MALI: largest |replayed step - the state recovered by inversion|.")
      .def_property_readonly(
          "adjoint_reconstructed_z0",
          [](const aca::SolveStats& s) -> std::optional<Tensor> {
            if (!s.adjoint_reconstructed_z0.defined()) return std::nullopt;
            return s.adjoint_reconstructed_z0;
          },
          "Adjoint: z(t[0]) as reconstructed by the backward solve; MALI: as recovered by "
          "inverting every step (None otherwise).")
      .def("__repr__", [](const aca::SolveStats& s) {
        std::ostringstream os;
        os << s;
        return os.str();
      });

  py::class_<Solution>(m, "Solution", py::is_final(), "What acaode.solve returns.")
      .def_readonly("ys", &Solution::ys, "The states at t: [len(t), *z0.shape].")
      .def_property_readonly(
          "ts", [](const Solution& s) { return py::array(py::cast(s.ts)); }, "The output times t.")
      .def_readonly("stats", &Solution::stats,
                    "The SolveStats of the solve; its backward fields are filled in once "
                    "backward() has run through it.")
      .def_property_readonly(
          "accepted_times", [](const Solution& s) { return py::array(py::cast(s.accepted_times)); },
          "The forward solve's accepted grid (every t[k] is on it).")
      .def("__repr__", [](const Solution& s) {
        return absl::StrCat("Solution(ys=", ShapeToString(s.ys.shape()), ", ", s.ts.size(),
                            " output times, ", s.stats->accepted_steps, " accepted steps)");
      });

  m.def("method_names", &solvers::MethodNames,
        "Every method name the solvers accept: canonical names, then aliases.");

  m.def(
      "odeint_solve",
      [](const py::object& func, const Tensor& z0, const std::vector<double>& ts,
         const std::vector<Tensor>& params, aca::OdeintOptions options, const py::object& callback,
         bool restore_state, const py::object& t_tensor) {
        aca::DynamicsFn f = MakeDynamics(func);
        if (IgnoresTime(func)) options.autonomous = true;
        if (!callback.is_none()) options.on_accepted_step = MakeStepCallback(callback);
        if (restore_state) {
          // f's state is its module's buffers (OdeintOptions::save_state); pure C++, so it
          // runs without the GIL.
          auto module = py::cast<std::shared_ptr<nn::Module>>(func);
          options.save_state = [module] { return nn::SaveBuffers(*module); };
        }
        const Tensor times = t_tensor.is_none() ? Tensor() : t_tensor.cast<Tensor>();
        absl::StatusOr<aca::OdeintResult> result;
        {
          SigintScope sigint;              // Note [Interrupting a solve]
          py::gil_scoped_release release;  // Note [GIL in solves]
          // A times tensor that requires grad also gets dL/dt (aca/time_gradient.h).
          result = times.defined() ? aca::Odeint(f, params, z0, times, options)
                                   : aca::Odeint(f, params, z0, ts, options);
        }
        ThrowIfError(RenameArguments(result.status()), ErrorDomain::kSolver);
        return Solution{result->ys, ts, result->stats, result->accepted_times};
      },
      py::arg("func"), py::arg("z0"), py::arg("t"), py::arg("params"), py::arg("options"),
      py::arg("callback") = py::none(), py::arg("restore_state") = false,
      py::arg("t_tensor") = py::none(),
      "The solve behind acaode.odeint / acaode.solve (use those).");
}

}  // namespace acaode::bindings
