// Loosely typed values (optim::Value) as HDF5 attributes, in the types h5py reads as Python
// values: float64 scalars and 1-d arrays, h5py's bool enum, variable-length UTF-8 strings.
#include <cstring>
#include <type_traits>

#include "io/h5_util.h"

namespace nw::io::h5 {

namespace {

bool write_attribute(hid_t obj, const std::string& name, hid_t file_t, hid_t mem_t,
                     const Shape& shape, const void* data) {
  Id space = make_space(shape);
  Id attr(H5Acreate2(obj, name.c_str(), file_t, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr.ok()) return false;
  if (numel_of(shape) == 0) return true;
  return H5Awrite(attr.get(), mem_t, data) >= 0;
}

void reclaim(hid_t type, hid_t space, void* buffer) {
#if H5_VERSION_GE(1, 12, 0)
  H5Treclaim(type, space, H5P_DEFAULT, buffer);
#else
  H5Dvlen_reclaim(type, space, H5P_DEFAULT, buffer);
#endif
}

// Reads `n` strings (variable-length or fixed) from an attribute of string type `type`.
std::optional<std::vector<std::string>> read_string_values(hid_t attr, hid_t type, hid_t space,
                                                           size_t n) {
  std::vector<std::string> out;
  if (H5Tis_variable_str(type) > 0) {
    Id mem = string_type();
    std::vector<char*> ptrs(n, nullptr);
    if (n > 0 && H5Aread(attr, mem.get(), ptrs.data()) < 0) return std::nullopt;
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    if (n > 0) reclaim(mem.get(), space, ptrs.data());
    return out;
  }
  const size_t size = H5Tget_size(type);
  std::vector<char> buffer(size * n);
  if (n > 0 && H5Aread(attr, type, buffer.data()) < 0) return std::nullopt;
  for (size_t i = 0; i < n; ++i) {
    std::string s(buffer.data() + i * size, size);
    s.resize(std::strlen(s.c_str()));  // null-terminated or null-padded
    if (H5Tget_strpad(type) == H5T_STR_SPACEPAD) s.erase(s.find_last_not_of(' ') + 1);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

bool write_value(hid_t obj, const std::string& name, const optim::Value& v) {
  return std::visit(
      [&](const auto& x) -> bool {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, double>) {
          Id f = type_id(H5Tcopy(H5T_IEEE_F64LE));
          return write_attribute(obj, name, f.get(), H5T_NATIVE_DOUBLE, {}, &x);
        } else if constexpr (std::is_same_v<T, bool>) {
          Id f = bool_type();
          const int8_t flag = x ? 1 : 0;
          return write_attribute(obj, name, f.get(), f.get(), {}, &flag);
        } else if constexpr (std::is_same_v<T, std::vector<double>>) {
          Id f = type_id(H5Tcopy(H5T_IEEE_F64LE));
          return write_attribute(obj, name, f.get(), H5T_NATIVE_DOUBLE, {int64_t(x.size())},
                                 x.data());
        } else {
          Id f = string_type();
          const char* text = x.c_str();
          return write_attribute(obj, name, f.get(), f.get(), {}, &text);
        }
      },
      v);
}

bool write_int64(hid_t obj, const std::string& name, int64_t v) {
  Id f = type_id(H5Tcopy(H5T_STD_I64LE));
  return write_attribute(obj, name, f.get(), H5T_NATIVE_INT64, {}, &v);
}

bool write_uint64(hid_t obj, const std::string& name, uint64_t v) {
  Id f = type_id(H5Tcopy(H5T_STD_U64LE));
  return write_attribute(obj, name, f.get(), H5T_NATIVE_UINT64, {}, &v);
}

bool write_strings(hid_t obj, const std::string& name, const std::vector<std::string>& v) {
  Id f = string_type();
  std::vector<const char*> ptrs;
  for (const std::string& s : v) ptrs.push_back(s.c_str());
  return write_attribute(obj, name, f.get(), f.get(), {int64_t(v.size())}, ptrs.data());
}

Attribute read_attribute(hid_t obj, const std::string& name) {
  Attribute out;
  Id attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  Id type = type_id(attr.ok() ? H5Aget_type(attr.get()) : -1);
  Id space = space_id(attr.ok() ? H5Aget_space(attr.get()) : -1);
  std::optional<Shape> shape = space.ok() ? shape_of(space.get()) : std::nullopt;
  if (!type.ok() || !shape) {
    out.type = "unreadable";
    return out;
  }
  const H5T_class_t cls = H5Tget_class(type.get());
  const bool numeric = cls == H5T_FLOAT || cls == H5T_INTEGER;
  out.type = type_name(type.get());
  if (!shape->empty()) out.type += " array of shape " + shape_str(*shape);
  if (shape->empty() && cls == H5T_INTEGER) {
    // Read through the matching 64-bit type, so that seeds and counters keep every bit.
    if (H5Tget_sign(type.get()) == H5T_SGN_NONE) {
      uint64_t v = 0;
      if (H5Aread(attr.get(), H5T_NATIVE_UINT64, &v) < 0) return out;
      out.uint64 = v;
      if (v <= uint64_t(INT64_MAX)) out.int64 = int64_t(v);
      out.value = double(v);
    } else {
      int64_t v = 0;
      if (H5Aread(attr.get(), H5T_NATIVE_INT64, &v) < 0) return out;
      out.int64 = v;
      if (v >= 0) out.uint64 = uint64_t(v);
      out.value = double(v);
    }
  } else if (shape->empty() && cls == H5T_FLOAT) {
    double v = 0;
    if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &v) >= 0) out.value = v;
  } else if (shape->size() == 1 && numeric) {
    std::vector<double> v(static_cast<size_t>((*shape)[0]));
    if (v.empty() || H5Aread(attr.get(), H5T_NATIVE_DOUBLE, v.data()) >= 0) out.value = v;
  } else if (shape->empty() && is_bool_enum(type.get())) {
    Id mem = bool_type();
    int8_t v = 0;
    if (H5Aread(attr.get(), mem.get(), &v) >= 0) out.value = v != 0;
  } else if (shape->empty() && cls == H5T_STRING) {
    auto words = read_string_values(attr.get(), type.get(), space.get(), 1);
    if (words) out.value = words->front();
  }
  return out;
}

std::optional<std::vector<std::string>> read_strings(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) <= 0) return std::nullopt;
  Id attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
  Id type = type_id(attr.ok() ? H5Aget_type(attr.get()) : -1);
  Id space = space_id(attr.ok() ? H5Aget_space(attr.get()) : -1);
  std::optional<Shape> shape = space.ok() ? shape_of(space.get()) : std::nullopt;
  if (!type.ok() || !shape || shape->size() != 1 || H5Tget_class(type.get()) != H5T_STRING)
    return std::nullopt;
  return read_string_values(attr.get(), type.get(), space.get(), size_t((*shape)[0]));
}

}  // namespace nw::io::h5
