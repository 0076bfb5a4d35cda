// StorageImpl is declared in tensor/ with the handle; it is defined here because its memory
// comes from the device's backend, which sits above tensor/.
#include "tensor/storage.h"

#include "backend/backend.h"

namespace nw {

StorageImpl::StorageImpl(size_t nbytes, Device device)
    : nbytes_(nbytes), device_(device), owned_(true) {
  data_ = backend_for(device).allocate(nbytes, device.index());
}

StorageImpl::StorageImpl(void* data, size_t nbytes, Device device,
                         std::function<void(void*)> deleter)
    : data_(data), nbytes_(nbytes), device_(device), deleter_(std::move(deleter)) {}

StorageImpl::~StorageImpl() {
  if (owned_) {
    backend_for(device_).deallocate(data_, device_.index());
  } else if (deleter_) {
    deleter_(data_);
  }
}

}  // namespace nw
