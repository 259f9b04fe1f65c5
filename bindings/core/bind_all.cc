#include "bindings/core/bindings.h"

namespace acaode::bindings {

void BindAll(pybind11::module_& m) {
  BindBuildInfo(m);
}

}  // namespace acaode::bindings
