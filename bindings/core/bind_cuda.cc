// acaode.cuda (is_available, device_count, ...) and the device forms of Tensor.to:
//
//   acaode.cuda.is_available()      # False where no GPU/driver: the reason is
//   acaode.cuda.unavailable_reason()  # "CUDA driver version is insufficient ..."
//   g = t.to("cuda"); h = g.to("cpu"); t.to("float32")   # device or dtype
//
// Using the cuda device without a GPU raises RuntimeError("...: no CUDA device: <reason>")
// (from the C++ backend, autograd/cuda/runtime.h); nothing crashes.
#include <pybind11/pybind11.h>

#include <string>

#include "autograd/cuda/device.h"
#include "autograd/cuda/runtime.h"
#include "autograd/nn/module.h"
#include "bindings/core/bindings.h"

namespace acaode::bindings {
namespace {

// "cpu" / "cuda" / "cuda:0" -> Device; nullopt for anything else.
std::optional<Device> ParseDevice(const py::handle& obj) {
  if (!py::isinstance<py::str>(obj)) return std::nullopt;
  const std::string s = obj.cast<std::string>();
  if (s == "cpu") return Device::kCpu;
  if (s == "cuda" || s == "cuda:0") return Device::kCuda;
  if (s.rfind("cuda:", 0) == 0) {
    throw py::value_error("device " + s + ": only one CUDA device (cuda or cuda:0) is supported");
  }
  return std::nullopt;
}

// Tensor.to(device_or_dtype): a device string moves the tensor (differentiable copy;
// RuntimeError without a GPU), anything else is a dtype as before.
Tensor TensorTo(const Tensor& t, const py::object& arg) {
  if (std::optional<Device> d = ParseDevice(arg)) {
    py::gil_scoped_release release;
    return t.to(*d);
  }
  return t.to(*ParseDType(arg, "dtype"));
}

}  // namespace

void BindCuda(py::module_& m) {
  cuda::RegisterCudaDevice();
  py::module_ c = m.def_submodule("cuda", "The CUDA device: availability and memory.");
  c.def(
      "is_available", [] { return cuda::IsAvailable(); },
      "True when a CUDA device can be used by this process.");
  c.def(
      "device_count", [] { return cuda::DeviceCount(); },
      "Number of usable CUDA devices (0 without a GPU or driver).");
  c.def(
      "unavailable_reason",
      [] {
        std::string why;
        cuda::DeviceCount(&why);
        return why;
      },
      "Why no device is usable (empty when one is).");
  c.def(
      "is_built", [] { return cuda::BuiltWithCuda(); },
      "True when acaode was compiled with the CUDA toolkit.");
  c.def(
      "synchronize",
      [] {
        py::gil_scoped_release release;
        cuda::Synchronize();
      },
      "Waits for all queued GPU work (RuntimeError without a GPU).");
  c.def(
      "empty_cache", [] { cuda::DeviceAllocator().EmptyCache(); },
      "Returns cached device blocks to the driver.");
  c.def(
      "memory_stats",
      [] {
        const AllocatorStats s = cuda::DeviceAllocator().Stats();
        py::dict d;
        d["bytes_in_use"] = s.bytes_in_use;
        d["peak_bytes_in_use"] = s.peak_bytes_in_use;
        d["bytes_cached"] = s.bytes_cached;
        d["num_allocs"] = s.num_allocs;
        d["num_system_allocs"] = s.num_system_allocs;
        return d;
      },
      "Byte counts of the device caching allocator.");

  py::object cls = m.attr("Tensor");
  cls.attr("to") =
      py::cpp_function(&TensorTo, py::name("to"), py::is_method(cls), py::arg("device_or_dtype"),
                       "A copy on a device ('cpu', 'cuda') or of a dtype "
                       "(differentiable); self when already there.");
  cls.attr("cuda") = py::cpp_function(
      [](const Tensor& t) {
        py::gil_scoped_release release;
        return t.to(Device::kCuda);
      },
      py::name("cuda"), py::is_method(cls),
      "A copy on the CUDA device, the same as t.to('cuda'): differentiable, and this tensor "
      "itself when already there. RuntimeError without a usable GPU.");
  cls.attr("cpu") = py::cpp_function(
      [](const Tensor& t) {
        py::gil_scoped_release release;
        return t.to(Device::kCpu);
      },
      py::name("cpu"), py::is_method(cls),
      "A copy on the CPU, the same as t.to('cpu'): differentiable, and this tensor itself "
      "when already there.");

  // Module.to(device): moves parameters and buffers in place; returns the module.
  py::object module_cls = m.attr("nn").attr("Module");
  module_cls.attr("to") = py::cpp_function(
      [](py::object self, const py::object& device) {
        std::optional<Device> d = ParseDevice(device);
        if (!d) {
          throw py::value_error("Module.to: device must be 'cpu' or 'cuda', got " +
                                std::string(py::repr(device)));
        }
        {
          py::gil_scoped_release release;
          self.cast<nn::Module&>().To(*d);
        }
        return self;
      },
      py::name("to"), py::is_method(module_cls), py::arg("device"),
      "Moves every parameter and buffer to the device in place and returns the module "
      "(RuntimeError without a GPU, nothing moved).");
  module_cls.attr("cuda") = py::cpp_function(
      [](py::object self) {
        {
          py::gil_scoped_release release;
          self.cast<nn::Module&>().To(Device::kCuda);
        }
        return self;
      },
      py::name("cuda"), py::is_method(module_cls),
      "The same as module.to('cuda'): moves every parameter and buffer to the CUDA device in "
      "place and returns the module (RuntimeError without a GPU, nothing moved).");
}

}  // namespace acaode::bindings
