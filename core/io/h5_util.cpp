#include "io/h5_util.h"

#include <cstring>

#include "tensor/creation.h"

namespace nw::io::h5 {

Id type_id(hid_t id) {
  return Id(id, H5Tclose);
}
Id space_id(hid_t id) {
  return Id(id, H5Sclose);
}

Id make_space(const Shape& shape) {
  if (shape.empty()) return space_id(H5Screate(H5S_SCALAR));
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  return space_id(H5Screate_simple(int(dims.size()), dims.data(), nullptr));
}

std::optional<Shape> shape_of(hid_t space) {
  const H5S_class_t kind = H5Sget_simple_extent_type(space);
  if (kind != H5S_SCALAR && kind != H5S_SIMPLE) return std::nullopt;
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) return std::nullopt;
  std::vector<hsize_t> dims(size_t(rank) + 1);
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return Shape(dims.begin(), dims.begin() + rank);
}

bool is_bool_enum(hid_t type) {
  if (H5Tget_class(type) != H5T_ENUM || H5Tget_nmembers(type) != 2) return false;
  Id base = type_id(H5Tget_super(type));
  if (!base.ok() || H5Tget_size(base.get()) != 1) return false;
  bool names_fit = true;
  for (unsigned i = 0; i < 2; ++i) {
    char* name = H5Tget_member_name(type, i);
    names_fit = names_fit && name && std::strcmp(name, i == 0 ? "FALSE" : "TRUE") == 0;
    if (name) H5free_memory(name);
  }
  return names_fit;
}

namespace {

// The in-memory type HDF5 converts to when reading or from when writing a `dtype` tensor.
Id memory_type(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return type_id(H5Tcopy(H5T_NATIVE_FLOAT));
    case DType::Float64:
      return type_id(H5Tcopy(H5T_NATIVE_DOUBLE));
    case DType::Int64:
      return type_id(H5Tcopy(H5T_NATIVE_INT64));
    case DType::UInt8:
      return type_id(H5Tcopy(H5T_NATIVE_UINT8));
    case DType::Bool:
      break;
  }
  return bool_type();
}

// Contiguous (no chunks, no filters), so that any reader, h5py or a memory map, takes it as is.
bool write_dataset(hid_t loc, const std::string& name, hid_t file_t, hid_t mem_t,
                   const Shape& shape, const void* data) {
  Id space = make_space(shape);
  Id ds(H5Dcreate2(loc, name.c_str(), file_t, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        H5Dclose);
  if (!ds.ok()) return false;
  if (numel_of(shape) == 0) return true;
  return H5Dwrite(ds.get(), mem_t, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0;
}

}  // namespace

Id bool_type() {
  Id t = type_id(H5Tenum_create(H5T_NATIVE_INT8));
  int8_t value = 0;
  H5Tenum_insert(t.get(), "FALSE", &value);
  value = 1;
  H5Tenum_insert(t.get(), "TRUE", &value);
  return t;
}

Id string_type() {
  Id t = type_id(H5Tcopy(H5T_C_S1));
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), H5T_CSET_UTF8);
  return t;
}

Id file_type(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return type_id(H5Tcopy(H5T_IEEE_F32LE));
    case DType::Float64:
      return type_id(H5Tcopy(H5T_IEEE_F64LE));
    case DType::Int64:
      return type_id(H5Tcopy(H5T_STD_I64LE));
    case DType::UInt8:
      return type_id(H5Tcopy(H5T_STD_U8LE));
    case DType::Bool:
      break;
  }
  return bool_type();
}

std::optional<DType> dtype_of(hid_t type) {
  const size_t size = H5Tget_size(type);
  switch (H5Tget_class(type)) {
    case H5T_FLOAT:
      if (size == 4) return kFloat32;
      if (size == 8) return kFloat64;
      return std::nullopt;
    case H5T_INTEGER:
      if (H5Tget_sign(type) == H5T_SGN_2 && size == 8) return kInt64;
      if (H5Tget_sign(type) == H5T_SGN_NONE && size == 1) return kUInt8;
      return std::nullopt;
    case H5T_ENUM:
      if (is_bool_enum(type)) return kBool;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

std::string type_name(hid_t type) {
  const std::string bits = std::to_string(H5Tget_size(type) * 8);
  switch (H5Tget_class(type)) {
    case H5T_FLOAT:
      return "float" + bits;
    case H5T_INTEGER:
      return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + bits;
    case H5T_ENUM:
      return is_bool_enum(type) ? "bool" : "enum";
    case H5T_STRING:
      return "string";
    case H5T_COMPOUND:
      return "compound";
    case H5T_BITFIELD:
      return "bitfield";
    case H5T_OPAQUE:
      return "opaque";
    case H5T_REFERENCE:
      return "reference";
    case H5T_VLEN:
      return "variable-length sequence";
    case H5T_ARRAY:
      return "array";
    default:
      return "unknown";
  }
}

Id create_group(hid_t loc, const std::string& name, bool track_order) {
  Id gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
  if (track_order)
    H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  return Id(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose);
}

bool has_link(hid_t loc, const std::string& name) {
  return H5Lexists(loc, name.c_str(), H5P_DEFAULT) > 0;
}

bool is_group(hid_t loc, const std::string& name) {
  if (!has_link(loc, name)) return false;
  Id obj(H5Oopen(loc, name.c_str(), H5P_DEFAULT), H5Oclose);
  return obj.ok() && H5Iget_type(obj.get()) == H5I_GROUP;
}

Id open_group(hid_t loc, const std::string& name) {
  if (!is_group(loc, name)) return Id();
  return Id(H5Gopen2(loc, name.c_str(), H5P_DEFAULT), H5Gclose);
}

std::vector<std::string> child_names(hid_t group) {
  unsigned flags = 0;
  Id gcpl(H5Gget_create_plist(group), H5Pclose);
  if (gcpl.ok()) H5Pget_link_creation_order(gcpl.get(), &flags);
  const bool by_order = (flags & H5P_CRT_ORDER_TRACKED) && (flags & H5P_CRT_ORDER_INDEXED);
  std::vector<std::string> names;
  // A generic lambda converts to H5Literate's callback type, whichever H5L_info version it uses.
  H5Literate(
      group, by_order ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t, const char* name, const auto*, void* out) -> herr_t {
        static_cast<std::vector<std::string>*>(out)->emplace_back(name);
        return 0;
      },
      &names);
  return names;
}

std::vector<std::string> attribute_names(hid_t obj) {
  std::vector<std::string> names;
  H5Aiterate2(
      obj, H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t, const char* name, const H5A_info_t*, void* out) -> herr_t {
        static_cast<std::vector<std::string>*>(out)->emplace_back(name);
        return 0;
      },
      &names);
  return names;
}

bool write_tensor(hid_t loc, const std::string& name, const Tensor& t) {
  const Tensor host = t.cpu().contiguous();
  Id file_t = file_type(host.dtype());
  Id mem_t = memory_type(host.dtype());
  return write_dataset(loc, name, file_t.get(), mem_t.get(), host.sizes(), host.raw_data());
}

bool write_doubles(hid_t loc, const std::string& name, const std::vector<double>& v) {
  Id file_t = type_id(H5Tcopy(H5T_IEEE_F64LE));
  return write_dataset(loc, name, file_t.get(), H5T_NATIVE_DOUBLE, {int64_t(v.size())}, v.data());
}

bool write_int64s(hid_t loc, const std::string& name, const std::vector<int64_t>& v) {
  Id file_t = type_id(H5Tcopy(H5T_STD_I64LE));
  return write_dataset(loc, name, file_t.get(), H5T_NATIVE_INT64, {int64_t(v.size())}, v.data());
}

std::optional<DatasetInfo> dataset_info(hid_t loc, const std::string& name) {
  Id ds(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.ok()) return std::nullopt;
  Id space = space_id(H5Dget_space(ds.get()));
  std::optional<Shape> shape = space.ok() ? shape_of(space.get()) : std::nullopt;
  Id type = type_id(H5Dget_type(ds.get()));
  if (!shape || !type.ok()) return std::nullopt;
  return DatasetInfo{*shape, std::move(type)};
}

Tensor read_tensor(hid_t loc, const std::string& name, DType dtype) {
  Id ds(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.ok()) return Tensor();
  Id space = space_id(H5Dget_space(ds.get()));
  std::optional<Shape> shape = space.ok() ? shape_of(space.get()) : std::nullopt;
  if (!shape) return Tensor();
  Tensor t = empty(*shape, dtype);
  Id mem_t = memory_type(dtype);
  if (t.numel() > 0 &&
      H5Dread(ds.get(), mem_t.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, t.raw_data()) < 0)
    return Tensor();
  return t;
}

}  // namespace nw::io::h5
