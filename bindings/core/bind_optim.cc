// acaode.optim: SGD and Adam (options field by field, as keyword arguments) and
// acaode.optim.lr_scheduler: StepLR, MultiStepLR, ExponentialLR.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
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

  py::class_<optim::Optimizer, std::shared_ptr<optim::Optimizer>>(m, "Optimizer")
      .def("step", &optim::Optimizer::Step, "One update of every parameter with a gradient.")
      .def("zero_grad", &optim::Optimizer::ZeroGrad)
      .def_property("lr", &optim::Optimizer::lr, &optim::Optimizer::set_lr)
      .def_property_readonly("params", &optim::Optimizer::params);

  py::class_<optim::Sgd, optim::Optimizer, std::shared_ptr<optim::Sgd>>(
      m, "SGD", py::is_final(), "Stochastic gradient descent, exactly torch.optim.SGD's update.")
      .def(py::init([](const py::iterable& params, double lr, double momentum,
                       double dampening, double weight_decay, bool nesterov) {
             optim::SgdOptions o;
             o.lr = lr;
             o.momentum = momentum;
             o.dampening = dampening;
             o.weight_decay = weight_decay;
             o.nesterov = nesterov;
             return Unwrap(optim::Sgd::Create(ParamList(params), o));
           }),
           py::arg("params"), py::arg("lr") = 0.01, py::arg("momentum") = 0.0,
           py::arg("dampening") = 0.0, py::arg("weight_decay") = 0.0,
           py::arg("nesterov") = false);

  py::class_<optim::Adam, optim::Optimizer, std::shared_ptr<optim::Adam>>(
      m, "Adam", py::is_final(), "Adam (Kingma & Ba), exactly torch.optim.Adam's update.")
      .def(py::init([](const py::iterable& params, double lr,
                       const std::pair<double, double>& betas, double eps,
                       double weight_decay) {
             optim::AdamOptions o;
             o.lr = lr;
             o.beta1 = betas.first;
             o.beta2 = betas.second;
             o.eps = eps;
             o.weight_decay = weight_decay;
             return Unwrap(optim::Adam::Create(ParamList(params), o));
           }),
           py::arg("params"), py::arg("lr") = 1e-3,
           py::arg("betas") = std::make_pair(0.9, 0.999), py::arg("eps") = 1e-8,
           py::arg("weight_decay") = 0.0);

  py::module_ s = m.def_submodule("lr_scheduler", "Learning-rate schedules.");
  py::class_<optim::LrScheduler, std::shared_ptr<optim::LrScheduler>>(s, "LRScheduler")
      .def("step", &optim::LrScheduler::Step,
           "Advances one epoch and sets the optimizer's lr to lr_at(epoch).")
      .def("lr_at", &optim::LrScheduler::LrAt, py::arg("epoch"))
      .def_property_readonly("epoch", &optim::LrScheduler::epoch)
      .def_property_readonly("base_lr", &optim::LrScheduler::base_lr);
  py::class_<optim::StepLr, optim::LrScheduler, std::shared_ptr<optim::StepLr>>(
      s, "StepLR", py::is_final(), "lr = base * gamma^floor(epoch / step_size)")
      .def(py::init([](optim::Optimizer* optimizer, int64_t step_size, double gamma) {
             return Unwrap(optim::StepLr::Create(optimizer, step_size, gamma));
           }),
           py::arg("optimizer"), py::arg("step_size"), py::arg("gamma") = 0.1,
           py::keep_alive<1, 2>());
  py::class_<optim::MultiStepLr, optim::LrScheduler, std::shared_ptr<optim::MultiStepLr>>(
      s, "MultiStepLR", py::is_final(), "lr = base * gamma^(number of milestones <= epoch)")
      .def(py::init([](optim::Optimizer* optimizer, std::vector<int64_t> milestones,
                       double gamma) {
             return Unwrap(optim::MultiStepLr::Create(optimizer, std::move(milestones), gamma));
           }),
           py::arg("optimizer"), py::arg("milestones"), py::arg("gamma") = 0.1,
           py::keep_alive<1, 2>());
  py::class_<optim::ExponentialLr, optim::LrScheduler, std::shared_ptr<optim::ExponentialLr>>(
      s, "ExponentialLR", py::is_final(), "lr = base * gamma^epoch")
      .def(py::init([](optim::Optimizer* optimizer, double gamma) {
             return Unwrap(optim::ExponentialLr::Create(optimizer, gamma));
           }),
           py::arg("optimizer"), py::arg("gamma"), py::keep_alive<1, 2>());
}

}  // namespace acaode::bindings
