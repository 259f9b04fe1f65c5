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
#include <utility>
#include <vector>

#include "aca/odeint.h"
#include "aca/options.h"
#include "aca/stats.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
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
    throw py::type_error(
        "func: must be an acaode.nn.Module or a callable f(t, z) returning dz/dt");
  }
  return [keep](double t, const Tensor& z) {
    py::gil_scoped_acquire gil;
    CountPythonCallback();
    py::object out = keep->get()(t, z);
    if (!py::isinstance<Tensor>(out)) {
      throw py::type_error(absl::StrCat(
          "func returned ", std::string(py::str(out.get_type().attr("__name__"))),
          "; it must return an acaode.Tensor of z's shape"));
    }
    return out.cast<Tensor>();
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
  py::enum_<aca::GradientMethod>(m, "GradientMethod")
      .value("aca", aca::GradientMethod::kAca)
      .value("adjoint", aca::GradientMethod::kAdjoint)
      .value("naive", aca::GradientMethod::kNaive)
      .value("mali", aca::GradientMethod::kMali);

  py::class_<aca::AdjointOptions>(m, "AdjointOptions", py::is_final(),
                                  "The continuous adjoint's backward solve; unset fields "
                                  "(negative, empty) take the forward solve's value.")
      .def(py::init<>())
      .def_readwrite("method", &aca::AdjointOptions::method)
      .def_readwrite("rtol", &aca::AdjointOptions::rtol)
      .def_readwrite("atol", &aca::AdjointOptions::atol)
      .def_readwrite("max_steps", &aca::AdjointOptions::max_steps);

  py::class_<aca::OdeintOptions>(m, "OdeintOptions", py::is_final(),
                                 "Options of a solve (aca/options.h), field by field.")
      .def(py::init<>())
      .def_readwrite("method", &aca::OdeintOptions::method)
      .def_readwrite("rtol", &aca::OdeintOptions::rtol)
      .def_readwrite("atol", &aca::OdeintOptions::atol)
      .def_readwrite("rtol_tensor", &aca::OdeintOptions::rtol_tensor)
      .def_readwrite("atol_tensor", &aca::OdeintOptions::atol_tensor)
      .def_readwrite("step_size", &aca::OdeintOptions::step_size)
      .def_readwrite("first_step", &aca::OdeintOptions::first_step)
      .def_readwrite("max_steps", &aca::OdeintOptions::max_steps)
      .def_readwrite("dt_min", &aca::OdeintOptions::dt_min)
      .def_readwrite("dt_max", &aca::OdeintOptions::dt_max)
      .def_readwrite("gradient", &aca::OdeintOptions::gradient)
      .def_readwrite("adjoint", &aca::OdeintOptions::adjoint)
      .def_readwrite("mali_damping", &aca::OdeintOptions::mali_damping)
      .def_readwrite("memory_budget", &aca::OdeintOptions::memory_budget)
      .def("validate", [](const aca::OdeintOptions& o) {
        ThrowIfError(RenameArguments(o.Validate()), ErrorDomain::kSolver);
      });

  py::class_<aca::SolveStats, std::shared_ptr<aca::SolveStats>>(
      m, "SolveStats", py::is_final(),
      "Statistics of one solve; the backward fields are filled in when backward() has run "
      "through it.")
      .def_readonly("forward_f_evals", &aca::SolveStats::forward_f_evals)
      .def_readonly("backward_f_evals", &aca::SolveStats::backward_f_evals)
      .def_readonly("accepted_steps", &aca::SolveStats::accepted_steps)
      .def_readonly("rejected_steps", &aca::SolveStats::rejected_steps)
      .def_readonly("backward_accepted_steps", &aca::SolveStats::backward_accepted_steps)
      .def_readonly("backward_rejected_steps", &aca::SolveStats::backward_rejected_steps)
      .def_readonly("checkpoint_bytes", &aca::SolveStats::checkpoint_bytes)
      .def_readonly("peak_tape_bytes", &aca::SolveStats::peak_tape_bytes)
      .def_readonly("backward_done", &aca::SolveStats::backward_done)
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
                    "ACA: largest |replayed z_i - stored z_i| over the backward replays.")
      .def_property_readonly(
          "adjoint_reconstructed_z0",
          [](const aca::SolveStats& s) -> std::optional<Tensor> {
            if (!s.adjoint_reconstructed_z0.defined()) return std::nullopt;
            return s.adjoint_reconstructed_z0;
          },
          "Adjoint: z(t[0]) as reconstructed by the backward solve (None otherwise).")
      .def("__repr__", [](const aca::SolveStats& s) {
        std::ostringstream os;
        os << s;
        return os.str();
      });

  py::class_<Solution>(m, "Solution", py::is_final(), "What acaode.solve returns.")
      .def_readonly("ys", &Solution::ys, "The states at t: [len(t), *z0.shape].")
      .def_property_readonly("ts",
                             [](const Solution& s) { return py::array(py::cast(s.ts)); },
                             "The output times t.")
      .def_readonly("stats", &Solution::stats)
      .def_property_readonly(
          "accepted_times",
          [](const Solution& s) { return py::array(py::cast(s.accepted_times)); },
          "The forward solve's accepted grid (every t[k] is on it).")
      .def("__repr__", [](const Solution& s) {
        return absl::StrCat("Solution(ys=", ShapeToString(s.ys.shape()), ", ",
                            s.ts.size(), " output times, ", s.stats->accepted_steps,
                            " accepted steps)");
      });

  m.def("method_names", &solvers::MethodNames,
        "Every method name the solvers accept: canonical names, then aliases.");

  m.def(
      "odeint_solve",
      [](const py::object& func, const Tensor& z0, const std::vector<double>& ts,
         const std::vector<Tensor>& params, const aca::OdeintOptions& options) {
        aca::DynamicsFn f = MakeDynamics(func);
        absl::StatusOr<aca::OdeintResult> result;
        {
          SigintScope sigint;              // Note [Interrupting a solve]
          py::gil_scoped_release release;  // Note [GIL in solves]
          result = aca::Odeint(f, params, z0, ts, options);
        }
        ThrowIfError(RenameArguments(result.status()), ErrorDomain::kSolver);
        return Solution{result->ys, ts, result->stats, result->accepted_times};
      },
      py::arg("func"), py::arg("z0"), py::arg("t"), py::arg("params"), py::arg("options"),
      "The solve behind acaode.odeint / acaode.solve (use those).");
}

}  // namespace acaode::bindings
