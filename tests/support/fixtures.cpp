#include "support/fixtures.h"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "tensor/creation.h"

namespace nw::test {
namespace {

constexpr int kFormatVersion = 1;
constexpr const char* kHowToMake = "run /usr/bin/python3 tests/fixtures/make_fixtures.py";

// Closes an HDF5 id with the matching H5?close when it goes out of scope.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

Handle open_file(const std::string& file) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become FixtureErrors, not stack dumps
  const std::string path = fixture_path(file);
  Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!f.ok())
    throw FixtureError("fixture file '" + path + "' is not readable HDF5; " + kHowToMake);
  int version = 0;
  if (H5Aexists(f.get(), "format_version") > 0) {
    Handle a(H5Aopen(f.get(), "format_version", H5P_DEFAULT), H5Aclose);
    H5Aread(a.get(), H5T_NATIVE_INT, &version);
  }
  if (version != kFormatVersion) {
    throw FixtureError("fixture file '" + path + "' has format_version " + std::to_string(version) +
                       ", this test reads " + std::to_string(kFormatVersion) + "; " + kHowToMake);
  }
  return f;
}

bool has_link(hid_t group, const std::string& name) {
  return H5Lexists(group, name.c_str(), H5P_DEFAULT) > 0;
}

// The group attribute `bool_datasets`: space-separated names of uint8 datasets that hold bools.
std::vector<std::string> bool_datasets(hid_t group) {
  std::vector<std::string> names;
  if (H5Aexists(group, "bool_datasets") <= 0) return names;
  Handle attr(H5Aopen(group, "bool_datasets", H5P_DEFAULT), H5Aclose);
  Handle ftype(H5Aget_type(attr.get()), H5Tclose);
  std::string text;
  if (H5Tis_variable_str(ftype.get()) > 0) {
    Handle mtype(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mtype.get(), H5T_VARIABLE);
    H5Tset_cset(mtype.get(), H5Tget_cset(ftype.get()));
    char* buf = nullptr;
    if (H5Aread(attr.get(), mtype.get(), &buf) >= 0 && buf) {
      text = buf;
      H5free_memory(buf);
    }
  } else {
    text.resize(H5Tget_size(ftype.get()));
    H5Aread(attr.get(), ftype.get(), text.data());
  }
  std::istringstream in(text);
  for (std::string n; in >> n;) names.push_back(n);
  return names;
}

Tensor read_dataset(hid_t group, const std::string& name, bool is_bool, const std::string& where) {
  Handle ds(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.ok()) throw FixtureError(where + ": cannot open dataset '" + name + "'");
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  const int ndims = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(std::max(ndims, 0));
  if (ndims > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  const Shape shape(dims.begin(), dims.end());

  Handle ftype(H5Dget_type(ds.get()), H5Tclose);
  const H5T_class_t cls = H5Tget_class(ftype.get());
  const size_t size = H5Tget_size(ftype.get());
  const bool is_signed = cls == H5T_INTEGER && H5Tget_sign(ftype.get()) == H5T_SGN_2;
  DType dtype;
  hid_t mtype;
  if (cls == H5T_FLOAT && size == 4) {
    dtype = kFloat32, mtype = H5T_NATIVE_FLOAT;
  } else if (cls == H5T_FLOAT && size == 8) {
    dtype = kFloat64, mtype = H5T_NATIVE_DOUBLE;
  } else if (cls == H5T_INTEGER && size == 8 && is_signed) {
    dtype = kInt64, mtype = H5T_NATIVE_INT64;
  } else if (cls == H5T_INTEGER && size == 1 && !is_signed) {
    dtype = is_bool ? kBool : kUInt8, mtype = H5T_NATIVE_UINT8;
  } else {
    throw FixtureError(where + ": dataset '" + name +
                       "' has a type this loader does not know (float32, float64, int64, uint8)");
  }

  Tensor t = empty(shape, dtype);
  if (t.numel() == 0) return t;
  if (dtype == kBool) {
    // Stored as uint8 0/1; written element by element so a bool's byte is always 0 or 1.
    std::vector<uint8_t> bytes(t.numel());
    if (H5Dread(ds.get(), mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()) < 0) {
      throw FixtureError(where + ": cannot read dataset '" + name + "'");
    }
    bool* out = t.data_ptr<bool>();
    for (size_t i = 0; i < bytes.size(); ++i) out[i] = bytes[i] != 0;
  } else if (H5Dread(ds.get(), mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.raw_data()) < 0) {
    throw FixtureError(where + ": cannot read dataset '" + name + "'");
  }
  return t;
}

herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}

}  // namespace

std::string element_str(int64_t flat, const Shape& shape) {
  std::vector<int64_t> idx(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    idx[d] = flat % shape[d];
    flat /= shape[d];
  }
  std::string s = "[";
  for (size_t d = 0; d < idx.size(); ++d) s += (d ? ", " : "") + std::to_string(idx[d]);
  return s + "]";
}

bool FixtureCase::has_grads() const {
  return std::any_of(grads.begin(), grads.end(), [](const Tensor& g) { return g.defined(); });
}

std::string fixture_path(const std::string& file) {
  // The device bundle (scripts/make-gpu-bundle.sh) carries the fixtures away from the source tree.
  const char* moved = std::getenv("NETWRIGHT_TEST_FIXTURE_DIR");
  const std::string path = std::string(moved && *moved ? moved : NW_FIXTURE_DIR) + "/" + file;
  if (!std::filesystem::exists(path)) {
    throw FixtureError("fixture file '" + path + "' not found; " + kHowToMake +
                       " (it needs Debian's python3-torch and python3-h5py)");
  }
  return path;
}

std::vector<std::string> list_fixture_cases(const std::string& file) {
  Handle f = open_file(file);
  Handle cases(H5Gopen2(f.get(), "cases", H5P_DEFAULT), H5Gclose);
  if (!cases.ok())
    throw FixtureError("fixture file '" + file + "' has no /cases group; " + kHowToMake);
  std::vector<std::string> names;
  H5Literate(cases.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_name, &names);
  std::sort(names.begin(), names.end());
  return names;
}

FixtureCase load_fixture_case(const std::string& file, const std::string& name) {
  Handle f = open_file(file);
  const std::string where = file + ":/cases/" + name;
  Handle g(H5Gopen2(f.get(), ("cases/" + name).c_str(), H5P_DEFAULT), H5Gclose);
  if (!g.ok()) throw FixtureError(where + ": no such case; " + kHowToMake);
  const std::vector<std::string> bools = bool_datasets(g.get());
  auto read = [&](const std::string& ds) {
    if (!has_link(g.get(), ds)) return Tensor();
    const bool is_bool = std::find(bools.begin(), bools.end(), ds) != bools.end();
    return read_dataset(g.get(), ds, is_bool, where);
  };

  FixtureCase c;
  c.name = name;
  for (int i = 0; has_link(g.get(), "in" + std::to_string(i)); ++i) {
    c.inputs.push_back(read("in" + std::to_string(i)));
    c.grads.push_back(read("grad" + std::to_string(i)));
  }
  if (has_link(g.get(), "out")) {
    c.outputs.push_back(read("out"));
    c.grad_outputs.push_back(read("gout"));
  } else {
    c.multi_output = true;
    for (int k = 0; has_link(g.get(), "out" + std::to_string(k)); ++k) {
      c.outputs.push_back(read("out" + std::to_string(k)));
      c.grad_outputs.push_back(read("gout" + std::to_string(k)));
    }
  }
  if (c.outputs.empty()) throw FixtureError(where + ": no `out` or `out0` dataset");
  return c;
}

bool tensors_close(const Tensor& actual, const Tensor& expected, double atol, double rtol,
                   std::string* why) {
  auto fail = [&](const std::string& msg) {
    if (why) *why = msg;
    return false;
  };
  if (!actual.defined() || !expected.defined()) {
    return fail(std::string(actual.defined() ? "expected" : "actual") + " tensor is undefined");
  }
  if (actual.sizes() != expected.sizes()) {
    return fail("shape " + shape_str(actual.sizes()) + ", expected " + shape_str(expected.sizes()));
  }
  if (actual.dtype() != expected.dtype()) {
    return fail(std::string("dtype ") + dtype_name(actual.dtype()) + ", expected " +
                dtype_name(expected.dtype()));
  }
  const std::vector<double> a = actual.to_vector<double>();
  const std::vector<double> b = expected.to_vector<double>();
  int64_t worst = -1, bad = 0;
  double worst_excess = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) && std::isnan(b[i])) continue;
    if (std::isinf(b[i]) && a[i] == b[i]) continue;
    const double diff = std::abs(a[i] - b[i]);
    const double bound = atol + rtol * std::abs(b[i]);
    if (diff <= bound) continue;  // NOTE: a NaN diff fails here, as it should
    ++bad;
    const double excess = std::isnan(diff) ? INFINITY : diff - bound;
    if (worst < 0 || excess > worst_excess) worst = static_cast<int64_t>(i), worst_excess = excess;
  }
  if (bad == 0) return true;
  std::ostringstream msg;
  msg.precision(9);
  msg << bad << " of " << a.size() << " elements differ; worst at "
      << element_str(worst, expected.sizes()) << ": got " << a[worst] << ", expected " << b[worst]
      << " (|diff| " << std::abs(a[worst] - b[worst]) << " > " << atol << " + " << rtol
      << " * |expected|)";
  return fail(msg.str());
}

Tolerance parity_tolerance(DType t) {
  switch (t) {
    case DType::Float32:
      return {1e-6, 1e-5};
    case DType::Float64:
      return {1e-12, 1e-10};
    default:
      return {0, 0};
  }
}

}  // namespace nw::test
