// acaode.optim: SGD and Adam (options field by field, as keyword arguments) and
// acaode.optim.lr_scheduler: StepLR, MultiStepLR, ExponentialLR.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "autograd/optim/adam.h"
#include "autograd/optim/lr_scheduler.h"
#include "autograd/optim/optimizer.h"
#include "autograd/optim/sgd.h"
#include "bindings/core/bindings.h"

namespace acaode::bindings {
namespace {

std::vector<Tensor> ParamList(const py::iterable& params) {
  std::vector<Tensor> out;
  for (py::handle p : params) {
    if (!py::isinstance<Tensor>(p)) {
      throw py::type_error("params: every entry must be an acaode.Tensor");
    }
    out.push_back(p.cast<Tensor>());
  }
  return out;
}

template <class T>
std::shared_ptr<T> Unwrap(absl::StatusOr<std::unique_ptr<T>> created) {
  ThrowIfError(created.status(), ErrorDomain::kSolver);
  return std::shared_ptr<T>(std::move(*created));
}

}  // namespace

void BindOptim(py::module_& root) {
  py::module_ m = root.def_submodule("optim", "Optimizers (acaode.optim).");

  py::class_<optim::Optimizer, std::shared_ptr<optim::Optimizer>>(
      m, "Optimizer",
      "Base class of SGD and Adam (not constructible itself). step() updates the parameters' "
      "storage in place (no autograd) from their .grad, skipping those whose grad is None.")
      .def("step", &optim::Optimizer::Step,
           "One update of every parameter with a gradient (those whose grad is None are "
           "skipped), in place and without autograd.")
      .def("zero_grad", &optim::Optimizer::ZeroGrad,
           "Resets every parameter's gradient to None (the next backward writes it afresh).")
      .def_property("lr", &optim::Optimizer::lr, &optim::Optimizer::set_lr,
                    "The learning rate used by the next step(); settable (not validated), as "
                    "the lr_scheduler classes do.")
      .def_property_readonly("params", &optim::Optimizer::params,
                             "The parameters being optimized, in the order given: Tensor "
                             "handles sharing their storage and gradients (not copies).")
      .def(
          "state_dict",
          [](const optim::Optimizer& opt) {
            py::dict out;
            for (const auto& [name, t] : opt.StateDict()) {
              out[py::str(name)] = TensorToNumpy(t).attr("copy")();
            }
            return out;
          },
          "What the next steps depend on besides the parameters, as NumPy arrays (copies): "
          "'lr', and per parameter index i with state 'i.step', 'i.exp_avg', 'i.exp_avg_sq' "
          "(Adam) or 'i.momentum_buffer' (SGD). Save it beside the model's state_dict to "
          "resume training exactly.")
      .def(
          "load_state_dict",
          [](optim::Optimizer& opt, const py::dict& state_dict) {
            // state_dict()'s arrays carry their dtypes (float64 counts and lr, slots in the
            // parameter's dtype); LoadStateDict names any entry that does not fit.
            optim::Optimizer::State state;
            for (const auto& [key, value] : state_dict) {
              state[py::str(key)] = ToTensor(value, std::nullopt, "state_dict").detach().clone();
            }
            ThrowIfError(opt.LoadStateDict(state), ErrorDomain::kIo);
          },
          py::arg("state_dict"),
          "Restores a state_dict() of an optimizer of the same kind over parameters of the "
          "same shapes; on a bad entry raises ValueError naming it and changes nothing.");

  py::class_<optim::Sgd, optim::Optimizer, std::shared_ptr<optim::Sgd>>(
      m, "SGD", py::is_final(), "Stochastic gradient descent, exactly torch.optim.SGD's update.")
      .def(py::init([](const py::iterable& params, double lr, double momentum, double dampening,
                       double weight_decay, bool nesterov) {
             optim::SgdOptions o;
             o.lr = lr;
             o.momentum = momentum;
             o.dampening = dampening;
             o.weight_decay = weight_decay;
             o.nesterov = nesterov;
             return Unwrap(optim::Sgd::Create(ParamList(params), o));
           }),
           py::arg("params"), py::arg("lr") = 0.01, py::arg("momentum") = 0.0,
           py::arg("dampening") = 0.0, py::arg("weight_decay") = 0.0, py::arg("nesterov") = false,
           "params: an iterable of leaf CPU Tensors that require grad (e.g. "
           "module.parameters()). Per step: g = grad + weight_decay p; with momentum, b = g on "
           "the first step, then b = momentum b + (1 - dampening) g, and g = g + momentum b "
           "(nesterov) or b; p -= lr g. Needs lr > 0, momentum >= 0, dampening in [0, 1], "
           "weight_decay >= 0, and nesterov only with momentum > 0 and dampening == 0. "
           "ValueError naming the bad option or parameter; TypeError for a non-Tensor.");

  py::class_<optim::Adam, optim::Optimizer, std::shared_ptr<optim::Adam>>(
      m, "Adam", py::is_final(), "Adam (Kingma & Ba), exactly torch.optim.Adam's update.")
      .def(py::init([](const py::iterable& params, double lr,
                       const std::pair<double, double>& betas, double eps, double weight_decay) {
             optim::AdamOptions o;
             o.lr = lr;
             o.beta1 = betas.first;
             o.beta2 = betas.second;
             o.eps = eps;
             o.weight_decay = weight_decay;
             return Unwrap(optim::Adam::Create(ParamList(params), o));
           }),
           py::arg("params"), py::arg("lr") = 1e-3, py::arg("betas") = std::make_pair(0.9, 0.999),
           py::arg("eps") = 1e-8, py::arg("weight_decay") = 0.0,
           "params: an iterable of leaf CPU Tensors that require grad (e.g. "
           "module.parameters()). Per step t of a parameter: g = grad + weight_decay p, "
           "m = beta1 m + (1 - beta1) g, v = beta2 v + (1 - beta2) g^2, p -= lr / (1 - beta1^t) "
           "m / (sqrt(v) / sqrt(1 - beta2^t) + eps), with (beta1, beta2) = betas. Needs "
           "lr > 0, betas in [0, 1), eps >= 0, weight_decay >= 0. ValueError naming the bad "
           "option or parameter; TypeError for a non-Tensor.");

  py::module_ s = m.def_submodule("lr_scheduler", "Learning-rate schedules.");
  py::class_<optim::LrScheduler, std::shared_ptr<optim::LrScheduler>>(
      s, "LRScheduler",
      "Base class of the schedules (not constructible itself): a closed-form lr_at(epoch) "
      "from base_lr, applied to the optimizer by step(), typically once per epoch.")
      .def("step", &optim::LrScheduler::Step,
           "Advances one epoch and sets the optimizer's lr to lr_at(epoch).")
      .def("lr_at", &optim::LrScheduler::LrAt, py::arg("epoch"),
           "The learning rate of the given epoch by the closed form (changes nothing).")
      .def_property_readonly("epoch", &optim::LrScheduler::epoch,
                             "The number of step() calls so far (0 at creation).")
      .def_property_readonly("base_lr", &optim::LrScheduler::base_lr,
                             "The optimizer's lr when the scheduler was created.");
  py::class_<optim::StepLr, optim::LrScheduler, std::shared_ptr<optim::StepLr>>(
      s, "StepLR", py::is_final(), "lr = base * gamma^floor(epoch / step_size)")
      .def(py::init([](optim::Optimizer* optimizer, int64_t step_size, double gamma) {
             return Unwrap(optim::StepLr::Create(optimizer, step_size, gamma));
           }),
           py::arg("optimizer"), py::arg("step_size"), py::arg("gamma") = 0.1,
           py::keep_alive<1, 2>(),
           "Multiplies optimizer's lr by gamma every step_size epochs. step_size >= 1, "
           "gamma > 0 (ValueError otherwise); the optimizer is kept alive by the scheduler.");
  py::class_<optim::MultiStepLr, optim::LrScheduler, std::shared_ptr<optim::MultiStepLr>>(
      s, "MultiStepLR", py::is_final(), "lr = base * gamma^(number of milestones <= epoch)")
      .def(py::init([](optim::Optimizer* optimizer, std::vector<int64_t> milestones, double gamma) {
             return Unwrap(optim::MultiStepLr::Create(optimizer, std::move(milestones), gamma));
           }),
           py::arg("optimizer"), py::arg("milestones"), py::arg("gamma") = 0.1,
           py::keep_alive<1, 2>(),
           "Multiplies optimizer's lr by gamma at each milestone epoch. milestones: strictly "
           "increasing ints >= 1; gamma > 0 (ValueError otherwise); the optimizer is kept "
           "alive by the scheduler.");
  py::class_<optim::ExponentialLr, optim::LrScheduler, std::shared_ptr<optim::ExponentialLr>>(
      s, "ExponentialLR", py::is_final(), "lr = base * gamma^epoch")
      .def(py::init([](optim::Optimizer* optimizer, double gamma) {
             return Unwrap(optim::ExponentialLr::Create(optimizer, gamma));
           }),
           py::arg("optimizer"), py::arg("gamma"), py::keep_alive<1, 2>(),
           "Multiplies optimizer's lr by gamma every epoch. gamma > 0 (ValueError otherwise); "
           "the optimizer is kept alive by the scheduler.");
}

}  // namespace acaode::bindings
