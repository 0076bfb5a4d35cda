#pragma once
// IDX files, the format of MNIST, Fashion-MNIST and KMNIST (http://yann.lecun.com/exdb/mnist/):
// two zero bytes, a type code, the number of dimensions, big-endian int32 sizes, then the values
// big-endian in row-major order. Gzipped files (.gz) are recognised by their magic and unpacked.
#include <string>

#include "data/tensor_dataset.h"

namespace nw::data {

// The file's values in a tensor of its dimensions: unsigned bytes -> uint8, signed bytes, shorts
// and ints -> int64, floats -> float32, doubles -> float64. Throws DataError naming the file
// for a bad magic, an unknown type, or fewer or more bytes than the header promises.
Tensor read_idx(const std::string& path);

// An image file (N, H, W) of unsigned bytes and a label file (N,) as a dataset: images become
// float32 (N, 1, H, W) scaled to [0, 1] (x / 255), labels int64.
TensorDataset read_idx_dataset(const std::string& images_path, const std::string& labels_path);

}  // namespace nw::data
