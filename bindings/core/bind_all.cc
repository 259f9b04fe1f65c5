#include "bindings/core/bindings.h"

namespace acaode::bindings {

void BindAll(py::module_& m) {
  BindBuildInfo(m);
  BindErrors(m);
  BindTensor(m);
  BindOps(m);
  BindNn(m);
  BindFunctional(m);
  BindOptim(m);
  BindOdeint(m);
  BindCuda(m);
  BindNccl(m);
}

}  // namespace acaode::bindings
