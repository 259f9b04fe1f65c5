// Note [Device dispatch]
// An op's kernel is one function per device, kept in a DeviceDispatch: a table of function
// pointers indexed by Device. The op's .cc holds the op once (validation, the forward, the
// recorded backward with its formula) and calls its kernels through the table; each table
// is declared with its contract in a header beside the op (e.g. autograd/ops/nn_kernels.h)
// and defined in the op's .cc with the CPU kernel. A device backend registers its kernels
// when it is linked (autograd/cuda/kernel_registration.cc, an alwayslink library), so the ops do
// not depend on the backend, and a build without the toolkit simply has no CUDA entry: calling it
// raises RuntimeError naming the kernel and the device, with no stub written for it.
//
//   // in the op's header of kernels:
//   extern DeviceDispatch<Tensor(const Tensor& x, int64_t dim)> log_softmax_kernel;
//   // in the op's .cc:
//   DeviceDispatch<Tensor(const Tensor& x, int64_t dim)> log_softmax_kernel(
//       "LogSoftmax", LogSoftmaxCpu);
//   Tensor y = log_softmax_kernel(x.device(), x, dim);
//   // in the backend, once, at load time:
//   ACAODE_REGISTER_KERNEL(log_softmax_kernel, Device::kCuda, cuda::LogSoftmax);
//
// The constructor is constexpr, so every table is filled with its CPU kernel before any
// dynamic initialisation, in particular before a backend's registration runs. Register only
// at load time (static initialisation): the tables are read without locks.
#ifndef ACAODE_AUTOGRAD_DEVICE_DISPATCH_H_
#define ACAODE_AUTOGRAD_DEVICE_DISPATCH_H_

#include <string>
#include <utility>

#include "autograd/dtype.h"
#include "autograd/error.h"

namespace acaode {

// One past the last Device enumerator (kCpu, kCuda).
inline constexpr int kNumDevices = 2;
static_assert(static_cast<int>(Device::kCuda) + 1 == kNumDevices, "a Device without a slot");

namespace internal {
[[noreturn]] inline void ThrowNoKernel(const char* kernel, Device device) {
  throw RuntimeError(std::string(kernel) + ": no kernel for " + DeviceName(device) +
                     " tensors in this build (acaode was built without that device's backend)");
}
}  // namespace internal

template <class Signature>
class DeviceDispatch;

template <class R, class... Args>
class DeviceDispatch<R(Args...)> {
 public:
  using Kernel = R (*)(Args...);

  // `name` names the kernel in errors ("AvgPool2d backward"); `cpu` is its CPU kernel.
  constexpr DeviceDispatch(const char* name, Kernel cpu) : name_(name), kernels_{cpu, nullptr} {}
  DeviceDispatch(const DeviceDispatch&) = delete;
  DeviceDispatch& operator=(const DeviceDispatch&) = delete;

  // Installs `kernel` for `device` (a backend, at load time; see ACAODE_REGISTER_KERNEL).
  void Register(Device device, Kernel kernel) { kernels_[static_cast<int>(device)] = kernel; }

  bool Has(Device device) const { return kernels_[static_cast<int>(device)] != nullptr; }
  const char* name() const { return name_; }

  // Runs the kernel of `device`; RuntimeError naming the kernel when none is registered.
  R operator()(Device device, Args... args) const {
    const Kernel kernel = kernels_[static_cast<int>(device)];
    if (kernel == nullptr) internal::ThrowNoKernel(name_, device);
    return kernel(std::forward<Args>(args)...);
  }

 private:
  const char* name_;
  Kernel kernels_[kNumDevices];
};

#define ACAODE_DISPATCH_CONCAT_INNER(a, b) a##b
#define ACAODE_DISPATCH_CONCAT(a, b) ACAODE_DISPATCH_CONCAT_INNER(a, b)

// Registers `kernel` as `dispatch`'s kernel for `device` while the library that contains this
// line loads (namespace scope, in an alwayslink library).
#define ACAODE_REGISTER_KERNEL(dispatch, device, kernel)                                    \
  [[maybe_unused]] static const bool ACAODE_DISPATCH_CONCAT(registered_kernel_, __LINE__) = \
      ((dispatch).Register((device), (kernel)), true)

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_DEVICE_DISPATCH_H_
