#pragma once
// A tensor to an HDF5 file as one dataset, for `netwright-cli predict` and tools: h5py reads it
// back with f["output"][...].
#include <filesystem>
#include <string>

#include "tensor/tensor.h"

namespace nw::io {

// Writes `t` (converted to float32 unless it is int64) as dataset `name`, atomically. Throws
// nw::Error naming the path on failure.
void write_hdf5_tensor(const std::filesystem::path& path, const std::string& name, const Tensor& t);

}  // namespace nw::io
