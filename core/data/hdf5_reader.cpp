#include "data/hdf5_reader.h"

#include <hdf5.h>

#include <algorithm>
#include <cstdint>

#include "data/data_error.h"
#include "tensor/creation.h"

namespace nw::data {

namespace {

// Owns an HDF5 id and closes it with the matching H5?close.
class H5Id {
 public:
  H5Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~H5Id() {
    if (id_ >= 0) close_(id_);
  }
  H5Id(H5Id&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  H5Id(const H5Id&) = delete;
  H5Id& operator=(const H5Id&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

// Stops HDF5 printing its error stack to stderr; our exceptions say what went wrong.
class QuietErrors {
 public:
  QuietErrors() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

H5Id open_file(const std::string& path, const char* who) {
  const std::string where = std::string(who) + ": '" + path + "' ";
  const htri_t is_h5 = H5Fis_hdf5(path.c_str());
  if (is_h5 < 0) throw DataError(where + "cannot be opened; check that the file exists");
  if (is_h5 == 0)
    throw DataError(where + "is not an HDF5 file (no HDF5 signature); pass a .h5/.hdf5 file");
  H5Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.ok())
    throw DataError(where + "is damaged or truncated and cannot be opened; write it again");
  return file;
}

std::vector<std::string> dataset_names(hid_t file) {
  std::vector<std::string> names;
  // A generic lambda converts to H5Lvisit's callback type, whichever H5L_info version it uses.
  H5Lvisit(
      file, H5_INDEX_NAME, H5_ITER_INC,
      [](hid_t group, const char* name, const auto*, void* out) -> herr_t {
        H5Id obj(H5Oopen(group, name, H5P_DEFAULT), H5Oclose);
        if (obj.ok() && H5Iget_type(obj.get()) == H5I_DATASET) {
          std::string path(1, '/');
          static_cast<std::vector<std::string>*>(out)->push_back(path.append(name));
        }
        return 0;
      },
      &names);
  std::sort(names.begin(), names.end());
  return names;
}

std::string listing(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "'" : ", '") + n + "'";
  return s;
}

// The shape a file declares must not decide on its own how much is allocated: a damaged header
// may declare 2^60 values. Contiguous data is stored whole and deflate packs at most about
// 1000:1, so a dataset declaring far more bytes than the file stores for it is damaged.
void check_declared_size(hid_t ds, hid_t type, const std::vector<hsize_t>& dims, int ndims,
                         const std::string& where) {
  uint64_t values = 1, bytes = 0;
  bool overflow = false;
  for (int i = 0; i < ndims; ++i)
    overflow = overflow || __builtin_mul_overflow(values, dims[size_t(i)], &values);
  overflow = overflow || __builtin_mul_overflow(values, uint64_t(H5Tget_size(type)), &bytes) ||
             values > uint64_t(INT64_MAX);
  const uint64_t stored = H5Dget_storage_size(ds);
  if (overflow || bytes / 1100 > stored + (uint64_t(1) << 20) / 1100)
    throw DataError(
        where + "declares " +
        (overflow ? "more values than fit in memory"
                  : std::to_string(values) + " values (" + std::to_string(bytes) + " bytes)") +
        " but the file stores " + std::to_string(stored) + " bytes for it; the file is damaged");
}

Tensor read_dataset(hid_t file, const std::string& path, const std::string& name,
                    bool keep_double) {
  const std::string where = "read_hdf5: '" + path + "' dataset '" + name + "' ";
  // H5Dopen on a missing link fails; walk the path so that the message can list what exists.
  bool exists = true;
  for (size_t at = name.find('/', 1); exists; at = name.find('/', at + 1)) {
    const std::string prefix = name.substr(0, at);
    exists = prefix.empty() || prefix == "/" || H5Lexists(file, prefix.c_str(), H5P_DEFAULT) > 0;
    if (at == std::string::npos) break;
  }
  H5Id ds(exists ? H5Dopen2(file, name.c_str(), H5P_DEFAULT) : -1, H5Dclose);
  if (!ds.ok())
    throw DataError("read_hdf5: '" + path + "' has no dataset '" + name + "'; its datasets are " +
                    listing(dataset_names(file)) + "; pass one of those names");
  H5Id space(H5Dget_space(ds.get()), H5Sclose);
  const int ndims = H5Sget_simple_extent_ndims(space.get());
  if (ndims < 0) throw DataError(where + "has an unreadable shape; the file is damaged");
  std::vector<hsize_t> dims(size_t(ndims) + 1);
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  Shape shape(dims.begin(), dims.begin() + ndims);

  H5Id type(H5Dget_type(ds.get()), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT)
    throw DataError(where + "does not hold numbers (HDF5 type class " + std::to_string(int(cls)) +
                    "); store features and labels as integer or floating arrays");
  DType dtype = kInt64;
  hid_t mem = H5T_NATIVE_INT64;
  if (cls == H5T_FLOAT) {
    const bool is_double = H5Tget_size(type.get()) > 4 && keep_double;
    dtype = is_double ? kFloat64 : kFloat32;
    mem = is_double ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT;
  }
  check_declared_size(ds.get(), type.get(), dims, ndims, where);
  Tensor t = empty(shape, dtype);
  if (t.numel() > 0 && H5Dread(ds.get(), mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.raw_data()) < 0)
    throw DataError(where + "of shape " + shape_str(shape) +
                    " could not be read; the file is damaged or truncated");
  return t;
}

}  // namespace

Tensor read_hdf5_tensor(const std::string& path, const std::string& name, bool keep_double) {
  QuietErrors quiet;
  H5Id file = open_file(path, "read_hdf5");
  return read_dataset(file.get(), path, name, keep_double);
}

TensorDataset read_hdf5(const std::string& path, const std::string& features,
                        const std::string& labels) {
  QuietErrors quiet;
  H5Id file = open_file(path, "read_hdf5");
  Tensor x = read_dataset(file.get(), path, features, false);
  Tensor y = read_dataset(file.get(), path, labels, false);
  if (x.dim() == 0 || y.dim() == 0 || x.size(0) != y.size(0))
    throw DataError("read_hdf5: '" + path + "' dataset '" + features + "' has shape " +
                    shape_str(x.sizes()) + " but '" + labels + "' has shape " +
                    shape_str(y.sizes()) +
                    "; both need the same first dimension (one label per sample)");
  return TensorDataset(x.to(kFloat32), y);
}

std::vector<std::string> hdf5_dataset_names(const std::string& path) {
  QuietErrors quiet;
  H5Id file = open_file(path, "hdf5_dataset_names");
  return dataset_names(file.get());
}

}  // namespace nw::data
