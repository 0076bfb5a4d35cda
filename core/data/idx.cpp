#include "data/idx.h"

#include <algorithm>
#include <cstring>

#include "data/data_error.h"
#include "data/file_bytes.h"
#include "tensor/creation.h"

namespace nw::data {

namespace {

struct IdxType {
  uint8_t code;
  const char* name;
  size_t size;
  DType dtype;
};

constexpr IdxType kTypes[] = {{0x08, "unsigned byte", 1, kUInt8}, {0x09, "signed byte", 1, kInt64},
                              {0x0B, "short", 2, kInt64},         {0x0C, "int", 4, kInt64},
                              {0x0D, "float", 4, kFloat32},       {0x0E, "double", 8, kFloat64}};

// A parsed header over the file's bytes; the values start at `data`.
struct IdxView {
  const IdxType* type;
  Shape dims;
  const uint8_t* data;
};

std::string hex(const uint8_t* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (i) s += ' ';
    s += digits[p[i] >> 4];
    s += digits[p[i] & 15];
  }
  return s;
}

uint64_t big_endian(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

IdxView parse(const FileBytes& file, const std::string& path) {
  const std::vector<uint8_t>& b = file.bytes;
  const std::string where =
      "read_idx: '" + path + "'" + (file.gzipped ? " (after gunzip)" : "") + " ";
  if (b.size() < 4 || b[0] != 0 || b[1] != 0)
    throw DataError(where + "is not an IDX file: it starts with [" +
                    hex(b.data(), std::min<size_t>(b.size(), 4)) +
                    "], expected [00 00 <type> <ndims>]; pass an MNIST-style "
                    "*-idx?-ubyte(.gz) file");
  const IdxType* type = nullptr;
  for (const IdxType& t : kTypes)
    if (t.code == b[2]) type = &t;
  if (!type)
    throw DataError(where + "has unknown IDX type code 0x" + hex(&b[2], 1) +
                    " at byte offset 2; expected 08, 09, 0b, 0c, 0d or 0e");
  const size_t ndims = b[3];
  if (ndims == 0)
    throw DataError(where + "declares 0 dimensions at byte offset 3; an IDX file needs at least 1");
  const size_t header = 4 + 4 * ndims;
  if (b.size() < header)
    throw DataError(where + "is truncated inside its header: " + std::to_string(ndims) +
                    " dimensions need " + std::to_string(header) + " bytes, the file has " +
                    std::to_string(b.size()));
  IdxView v{type, {}, b.data() + header};
  // `span` leaves out zero sizes: a zero must not let the later sizes grow without bound, as
  // the strides of the (empty) tensor still multiply them.
  uint64_t count = 1, span = 1;
  for (size_t d = 0; d < ndims; ++d) {
    const uint64_t n = big_endian(&b[4 + 4 * d], 4);
    if (n > (uint64_t(1) << 31) || (n && span > (uint64_t(1) << 40) / n))
      throw DataError(where + "declares an implausible size " + std::to_string(n) +
                      " for dimension " + std::to_string(d) + " (byte offset " +
                      std::to_string(4 + 4 * d) + "); the file is corrupt");
    count *= n;
    span *= n ? n : 1;
    v.dims.push_back(int64_t(n));
  }
  const uint64_t expected = header + count * type->size;
  if (b.size() != expected)
    throw DataError(where + (b.size() < expected ? "is truncated" : "has trailing bytes") +
                    ": its header promises " + shape_str(v.dims) + " " + type->name + " values, " +
                    std::to_string(expected) + " bytes in all, but it holds " +
                    std::to_string(b.size()) + " bytes; download the file again");
  return v;
}

Tensor to_tensor(const IdxView& v) {
  Tensor t = empty(v.dims, v.type->dtype);
  const int64_t n = t.numel();
  const uint8_t* p = v.data;
  switch (v.type->code) {
    case 0x08:
      std::memcpy(t.raw_data(), p, size_t(n));
      break;
    case 0x0D:
    case 0x0E: {
      // Floats: reassemble the big-endian bit pattern, then reinterpret it.
      uint8_t* out = static_cast<uint8_t*>(t.raw_data());
      const size_t w = v.type->size;
      for (int64_t i = 0; i < n; ++i)
        for (size_t k = 0; k < w; ++k) out[size_t(i) * w + k] = p[size_t(i) * w + (w - 1 - k)];
      break;
    }
    default: {
      int64_t* out = t.data_ptr<int64_t>();
      const size_t w = v.type->size;
      const uint64_t sign = uint64_t(1) << (8 * w - 1);
      for (int64_t i = 0; i < n; ++i) {
        const uint64_t u = big_endian(p + size_t(i) * w, w);
        out[i] = int64_t(u ^ sign) - int64_t(sign);  // sign-extend w bytes
      }
    }
  }
  return t;
}

}  // namespace

Tensor read_idx(const std::string& path) {
  FileBytes file = read_file_bytes(path, "read_idx");
  return to_tensor(parse(file, path));
}

TensorDataset read_idx_dataset(const std::string& images_path, const std::string& labels_path) {
  Tensor images, labels;
  {
    // Scaled straight from the file's bytes, without a uint8 tensor in between.
    FileBytes file = read_file_bytes(images_path, "read_idx");
    IdxView v = parse(file, images_path);
    if (v.dims.size() != 3 || v.type->code != 0x08)
      throw DataError("read_idx_dataset: '" + images_path + "' holds " + v.type->name +
                      " values of shape " + shape_str(v.dims) +
                      "; expected unsigned bytes of shape (N, H, W), e.g. "
                      "train-images-idx3-ubyte(.gz)");
    images = empty({v.dims[0], 1, v.dims[1], v.dims[2]}, kFloat32);
    float* out = images.data_ptr<float>();
    const int64_t n = images.numel();
    for (int64_t i = 0; i < n; ++i) out[i] = float(v.data[i]) / 255.0f;
  }
  labels = read_idx(labels_path);
  if (labels.dim() != 1)
    throw DataError("read_idx_dataset: '" + labels_path + "' holds values of shape " +
                    shape_str(labels.sizes()) +
                    "; expected one label per image, shape (N,), e.g. "
                    "train-labels-idx1-ubyte(.gz)");
  if (labels.size(0) != images.size(0))
    throw DataError("read_idx_dataset: '" + images_path + "' holds " +
                    std::to_string(images.size(0)) + " images but '" + labels_path + "' holds " +
                    std::to_string(labels.size(0)) +
                    " labels; pass the label file that belongs to these images");
  return TensorDataset(images, labels.to(kInt64));
}

}  // namespace nw::data
