#pragma once
// The HDF5 C API pieces the checkpoint reader and writer share: owned ids, a quiet error stack,
// the dtype <-> HDF5 type mapping, tensors as datasets and loosely typed values as attributes.
// Types follow h5py, so that Python reads what is written here as numpy values: a flag is h5py's
// bool (an int8 enum of FALSE and TRUE), a word a variable-length UTF-8 string.
// Internal to core/io: hdf5.h is a private dependency of netwright_core.
#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "optim/value.h"
#include "tensor/tensor.h"

namespace nw::io::h5 {

// Owns an HDF5 id and closes it with the matching H5?close.
class Id {
 public:
  Id() = default;
  Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Id() { reset(); }
  Id(Id&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Id& operator=(Id&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      close_ = o.close_;
      o.id_ = -1;
    }
    return *this;
  }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }
  // Closes now and reports whether the close succeeded (for files: the final flush).
  bool close() {
    const bool good = id_ < 0 || close_(id_) >= 0;
    id_ = -1;
    return good;
  }

 private:
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
  }
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

// Stops HDF5 printing its error stack to stderr while alive; our exceptions say what went wrong.
class QuietErrors {
 public:
  QuietErrors() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

// ---- ids, dataspaces and types
Id type_id(hid_t id);               // owns a datatype id
Id space_id(hid_t id);              // owns a dataspace id
Id make_space(const Shape& shape);  // () is a scalar dataspace
// The shape of a scalar or simple dataspace; nullopt for a null one (no elements at all).
std::optional<Shape> shape_of(hid_t space);
bool is_bool_enum(hid_t type);
Id bool_type();    // h5py's bool: enum over int8 {FALSE = 0, TRUE = 1}
Id string_type();  // variable-length UTF-8, read by h5py as str
// The stored type of a tensor of `dtype` (little-endian, as numpy writes on x86).
Id file_type(DType dtype);
// The dtype a stored type reads as, or nullopt when Netwright has no such dtype.
std::optional<DType> dtype_of(hid_t type);
// "float16", "int32", "string", "compound", ...: a stored type as numpy would name it.
std::string type_name(hid_t type);

// ---- groups and links
// track_order: iterate children in the order they were made (h5py honours it too).
Id create_group(hid_t loc, const std::string& name, bool track_order = false);
Id open_group(hid_t loc, const std::string& name);  // !ok() when absent or not a group
bool has_link(hid_t loc, const std::string& name);
bool is_group(hid_t loc, const std::string& name);
// Children in creation order when the group tracks it, else by name.
std::vector<std::string> child_names(hid_t group);
std::vector<std::string> attribute_names(hid_t obj);

// ---- datasets. Writers return false when HDF5 fails.
bool write_tensor(hid_t loc, const std::string& name, const Tensor& t);
bool write_doubles(hid_t loc, const std::string& name, const std::vector<double>& v);
bool write_int64s(hid_t loc, const std::string& name, const std::vector<int64_t>& v);
struct DatasetInfo {
  Shape shape;
  Id type;
};
std::optional<DatasetInfo> dataset_info(hid_t loc, const std::string& name);
// Reads a dataset whose type dtype_of() maps to `dtype`; undefined tensor when HDF5 fails.
Tensor read_tensor(hid_t loc, const std::string& name, DType dtype);

// ---- attributes. Writers return false when HDF5 fails.
bool write_value(hid_t obj, const std::string& name, const optim::Value& v);
bool write_int64(hid_t obj, const std::string& name, int64_t v);
bool write_uint64(hid_t obj, const std::string& name, uint64_t v);
bool write_strings(hid_t obj, const std::string& name, const std::vector<std::string>& v);

struct Attribute {
  std::optional<optim::Value> value;  // unset when Value cannot hold the stored type
  // Integer scalars only: the value, exact to 64 bits (`value` holds it as a double).
  std::optional<int64_t> int64;
  std::optional<uint64_t> uint64;
  std::string type;  // "int64", "float64 array of 2", ... for messages
};
Attribute read_attribute(hid_t obj, const std::string& name);
// A 1-d string array attribute (a list of words); nullopt when absent or of another type.
std::optional<std::vector<std::string>> read_strings(hid_t obj, const std::string& name);

}  // namespace nw::io::h5
