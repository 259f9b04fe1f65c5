// Toolchain proof for pybind11 + Python headers + NumPy: a tiny extension module whose
// `dot` computes a float64 inner product from two NumPy arrays.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

namespace py = pybind11;

namespace {

double Dot(py::array_t<double, py::array::c_style | py::array::forcecast> a,
           py::array_t<double, py::array::c_style | py::array::forcecast> b) {
  if (a.size() != b.size()) {
    throw py::value_error("dot: sizes differ (" + std::to_string(a.size()) + " vs " +
                          std::to_string(b.size()) + ")");
  }
  double sum = 0.0;
  for (py::ssize_t i = 0; i < a.size(); ++i) sum += a.data()[i] * b.data()[i];
  return sum;
}

}  // namespace

PYBIND11_MODULE(pybind_probe, m) {
  m.doc() = "acaode toolchain probe";
  m.def("dot", &Dot, py::arg("a"), py::arg("b"));
}
