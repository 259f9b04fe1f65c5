#include "autograd/storage.h"

#include <utility>

namespace acaode {

std::shared_ptr<Storage> Storage::Allocate(size_t nbytes, Device device) {
  Allocator& allocator = GetAllocator(device);
  Block block = allocator.Allocate(nbytes);
  try {
    return std::make_shared<Storage>(PrivateTag{}, block, nbytes, device, &allocator, nullptr);
  } catch (...) {
    allocator.Free(block);
    throw;
  }
}

std::shared_ptr<Storage> Storage::Wrap(void* data, size_t nbytes, Device device,
                                       std::function<void(void*)> deleter) {
  return std::make_shared<Storage>(PrivateTag{}, Block{data, nbytes}, nbytes, device, nullptr,
                                   std::move(deleter));
}

Storage::Storage(PrivateTag, Block block, size_t nbytes, Device device, Allocator* allocator,
                 std::function<void(void*)> deleter)
    : block_(block),
      nbytes_(nbytes),
      device_(device),
      allocator_(allocator),
      deleter_(std::move(deleter)) {}

Storage::~Storage() {
  if (allocator_ != nullptr) {
    allocator_->Free(block_);
  } else if (deleter_) {
    deleter_(block_.ptr);
  }
}

}  // namespace acaode
