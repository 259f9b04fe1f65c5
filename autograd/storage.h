// A refcounted buffer shared by a tensor and its views.
//
// Storage owns one block from the device's caching allocator (or wraps
// external memory with a deleter, e.g. a NumPy array in the bindings) and
// returns it when the last tensor referring to it goes away.
//
//   auto s = Storage::Allocate(4 * sizeof(double), Device::kCpu);
//   double* p = static_cast<double*>(s->data());
#ifndef ACAODE_AUTOGRAD_STORAGE_H_
#define ACAODE_AUTOGRAD_STORAGE_H_

#include <cstddef>
#include <functional>
#include <memory>

#include "autograd/allocator.h"
#include "autograd/dtype.h"

namespace acaode {

class Storage {
 public:
  // Takes a block of at least `nbytes` from GetAllocator(device).
  static std::shared_ptr<Storage> Allocate(size_t nbytes, Device device);
  // Wraps memory owned elsewhere; `deleter(data)` runs when the storage dies.
  static std::shared_ptr<Storage> Wrap(void* data, size_t nbytes, Device device,
                                       std::function<void(void*)> deleter);

  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  ~Storage();

  void* data() const { return block_.ptr; }
  // Usable bytes (the requested size, not the rounded capacity).
  size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }

  // Public for make_shared; use Allocate or Wrap.
  struct PrivateTag {};
  Storage(PrivateTag, Block block, size_t nbytes, Device device, Allocator* allocator,
          std::function<void(void*)> deleter);

 private:
  Block block_;
  size_t nbytes_;
  Device device_;
  Allocator* allocator_;                // null for wrapped memory
  std::function<void(void*)> deleter_;  // set for wrapped memory
};

}  // namespace acaode

#endif  // ACAODE_AUTOGRAD_STORAGE_H_
