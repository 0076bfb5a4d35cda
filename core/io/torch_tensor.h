#pragma once
// PyTorch's storage types and the tensors _rebuild_tensor_v2 makes of them: the element types a
// state_dict holds, and the check that a tensor's sizes, strides and offset stay inside its
// storage before any byte is copied.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tensor/tensor.h"

namespace nw::io::torch {

struct StorageType {
  std::string name;   // "torch.FloatStorage"
  std::string dtype;  // "float32", as PyTorch names it
  size_t element_size;
  DType loads_as;  // what Netwright keeps: half and bfloat16 widen to float32, ints to int64
};

// nullopt for a storage type Netwright does not read (complex, quantized, unknown).
std::optional<StorageType> storage_type(const std::string& global);
// The storage types, for messages: "torch.FloatStorage, torch.DoubleStorage, ...".
std::string storage_type_list();

// A tensor as the pickle describes it: a view of `storage_numel` elements.
struct TensorView {
  int64_t offset = 0;
  Shape sizes, strides;
};

// Why the view does not fit in its storage (negative sizes, overflow, out of range), or "".
std::string check_view(const TensorView& v, int64_t storage_numel);
// A contiguous copy of the view, converted to `type.loads_as`; `bytes` holds the storage
// (little-endian) and the view must have passed check_view.
Tensor copy_view(const TensorView& v, const StorageType& type, std::string_view bytes);

}  // namespace nw::io::torch
