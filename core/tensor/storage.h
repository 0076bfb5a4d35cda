#pragma once
// A reference-counted buffer on one device. Views share it; its version counter is bumped by every
// in-place write so autograd can tell when a tensor it saved was changed underneath it.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "tensor/device.h"

namespace nw {

class StorageImpl {
 public:
  // Allocates `nbytes` on `device` through its backend (64-byte aligned on the host). Defined in
  // backend/storage.cpp, with the allocators.
  StorageImpl(size_t nbytes, Device device);
  // Wraps memory owned elsewhere; `deleter` (may be empty) runs when the last view goes away.
  StorageImpl(void* data, size_t nbytes, Device device, std::function<void(void*)> deleter);
  ~StorageImpl();
  StorageImpl(const StorageImpl&) = delete;
  StorageImpl& operator=(const StorageImpl&) = delete;

  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
  const Device& device() const { return device_; }
  uint32_t version() const { return version_; }
  void bump_version() { ++version_; }

 private:
  void* data_ = nullptr;
  size_t nbytes_ = 0;
  Device device_;
  std::function<void(void*)> deleter_;
  bool owned_ = false;
  uint32_t version_ = 0;
};

using Storage = std::shared_ptr<StorageImpl>;

}  // namespace nw
