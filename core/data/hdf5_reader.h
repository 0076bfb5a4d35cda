#pragma once
// HDF5 files holding a features dataset and a labels dataset, e.g. written by h5py:
//
//   with h5py.File("train.h5", "w") as f:
//       f["features"] = X.astype("float32")   # (N, ...)
//       f["labels"] = y                        # (N,)
//
// NOTE: Debian's HDF5 is built without thread safety; call these from one thread at a time.
#include <string>
#include <vector>

#include "data/tensor_dataset.h"

namespace nw::data {

// The named dataset (a path such as "features" or "/train/x") as a tensor of its shape: integer
// data becomes int64, floating data float32 (or float64 with keep_double).
Tensor read_hdf5_tensor(const std::string& path, const std::string& name, bool keep_double = false);

// Features become float32 (N, ...); integer labels int64, floating labels float32 (N, ...).
// Throws DataError naming the file and the dataset when it cannot be opened, a dataset is
// missing (listing the datasets the file has), holds non-numbers, or the counts differ.
TensorDataset read_hdf5(const std::string& path, const std::string& features = "features",
                        const std::string& labels = "labels");

// Every dataset in the file, as paths ("/features", "/train/x"), sorted.
std::vector<std::string> hdf5_dataset_names(const std::string& path);

}  // namespace nw::data
