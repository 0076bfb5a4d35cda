// Decoding TensorProto values: typed fields, raw little-endian bytes, or external data files.
#include "interop/onnx_tensor_proto.h"

#include <onnx/onnx_pb.h>

#include <cstring>
#include <fstream>

#include "interop/onnx_file.h"

namespace nw::interop {

namespace {

// The bytes of an external-data tensor: "location" relative to the model's folder, with
// optional "offset" and "length".
std::string external_bytes(const onnx::TensorProto& t, const std::filesystem::path& file,
                           const std::string& where) {
  std::string location;
  std::uintmax_t offset = 0, length = 0;
  bool has_length = false;
  for (const auto& kv : t.external_data()) {
    try {
      if (kv.key() == "location") location = kv.value();
      if (kv.key() == "offset") offset = std::stoull(kv.value());
      if (kv.key() == "length") length = std::stoull(kv.value()), has_length = true;
    } catch (const std::exception&) {
      throw OnnxImportError(where + ": external data " + kv.key() + " '" + kv.value() +
                            "' is not a number; export the model again");
    }
  }
  const std::filesystem::path rel(location);
  if (location.empty() || rel.is_absolute() || location.find("..") != std::string::npos)
    throw OnnxImportError(where + ": external data location '" + location +
                          "' must name a file beside the model; export the model again");
  const std::filesystem::path path = file.parent_path() / rel;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw OnnxImportError(where + ": its external data file '" + path.string() +
                          "' is missing; copy it beside the model");
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!has_length) length = size > offset ? size - offset : 0;
  if (ec || offset > size || length > size - offset)
    throw OnnxImportError(where + ": its external data file '" + path.string() + "' holds " +
                          std::to_string(size) + " bytes, fewer than offset " +
                          std::to_string(offset) + " + length " + std::to_string(length) +
                          "; copy the complete file beside the model");
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  std::string bytes(length, '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(length)))
    throw OnnxImportError(where + ": cannot read its external data from '" + path.string() + "'");
  return bytes;
}

template <typename T>
std::vector<T> from_raw(const std::string& raw) {
  std::vector<T> v(raw.size() / sizeof(T));
  if (!v.empty()) std::memcpy(v.data(), raw.data(), v.size() * sizeof(T));
  return v;
}

}  // namespace

graph::OnnxConstant read_tensor_proto(const onnx::TensorProto& t, const std::filesystem::path& file,
                                      const std::string& what) {
  const std::string where = file.string() + ": " + what;
  graph::OnnxConstant c;
  int64_t n = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || d > (int64_t(1) << 31) || (d > 0 && n > (int64_t(1) << 31) / d))
      throw OnnxImportError(where + " has dimension " + std::to_string(d) +
                            ", which is absurd (more than 2^31 values); the file is corrupt");
    n *= d;
    c.dims.push_back(d);
  }
  const bool external = t.data_location() == onnx::TensorProto::EXTERNAL;
  const std::string raw = external ? external_bytes(t, file, where) : t.raw_data();
  const bool use_raw = external || t.has_raw_data();
  using TP = onnx::TensorProto;
  int64_t got = 0, width = 0;
  switch (t.data_type()) {
    case TP::FLOAT:
      c.floats = use_raw ? from_raw<float>(raw)
                         : std::vector<float>(t.float_data().begin(), t.float_data().end());
      got = static_cast<int64_t>(c.floats.size()), width = 4;
      break;
    case TP::DOUBLE: {
      const auto d = use_raw ? from_raw<double>(raw)
                             : std::vector<double>(t.double_data().begin(), t.double_data().end());
      c.floats.assign(d.begin(), d.end());
      got = static_cast<int64_t>(d.size()), width = 8;
      break;
    }
    case TP::INT64:
      c.is_int = true;
      c.ints = use_raw ? from_raw<int64_t>(raw)
                       : std::vector<int64_t>(t.int64_data().begin(), t.int64_data().end());
      got = static_cast<int64_t>(c.ints.size()), width = 8;
      break;
    case TP::INT32:
    case TP::BOOL: {
      c.is_int = true;
      if (use_raw && t.data_type() == TP::INT32) {
        const auto v = from_raw<int32_t>(raw);
        c.ints.assign(v.begin(), v.end());
      } else if (use_raw) {
        const auto v = from_raw<uint8_t>(raw);
        c.ints.assign(v.begin(), v.end());
      } else {
        c.ints.assign(t.int32_data().begin(), t.int32_data().end());
      }
      got = static_cast<int64_t>(c.ints.size()), width = t.data_type() == TP::BOOL ? 1 : 4;
      break;
    }
    default:
      throw OnnxImportError(where + " has element type " + std::to_string(t.data_type()) + " (" +
                            TP::DataType_Name(static_cast<TP::DataType>(t.data_type())) +
                            "); Netwright reads float32, float64, int64, int32 and bool tensors");
  }
  if (got != n || (use_raw && static_cast<int64_t>(raw.size()) != n * width))
    throw OnnxImportError(where + " holds " +
                          std::to_string(use_raw ? int64_t(raw.size()) / width : got) +
                          " values, but its dims need " + std::to_string(n) +
                          "; the file is truncated or corrupt, export it again");
  return c;
}

}  // namespace nw::interop
