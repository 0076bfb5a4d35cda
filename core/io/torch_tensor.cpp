#include "io/torch_tensor.h"

#include <cstring>

#include "tensor/creation.h"

namespace nw::io::torch {

namespace {

constexpr int64_t kMaxDims = 64;
constexpr int64_t kMaxElements = int64_t(1) << 32;

enum class Source { F32, F64, F16, BF16, I64, I32, I16, I8, U8, Bool };

struct Entry {
  StorageType type;
  Source source;
};

const std::vector<Entry>& table() {
  static const std::vector<Entry> t = {
      {{"torch.FloatStorage", "float32", 4, kFloat32}, Source::F32},
      {{"torch.DoubleStorage", "float64", 8, kFloat64}, Source::F64},
      {{"torch.HalfStorage", "float16", 2, kFloat32}, Source::F16},
      {{"torch.BFloat16Storage", "bfloat16", 2, kFloat32}, Source::BF16},
      {{"torch.LongStorage", "int64", 8, kInt64}, Source::I64},
      {{"torch.IntStorage", "int32", 4, kInt64}, Source::I32},
      {{"torch.ShortStorage", "int16", 2, kInt64}, Source::I16},
      {{"torch.CharStorage", "int8", 1, kInt64}, Source::I8},
      {{"torch.ByteStorage", "uint8", 1, kUInt8}, Source::U8},
      {{"torch.BoolStorage", "bool", 1, kBool}, Source::Bool},
  };
  return t;
}

const Entry* find(const std::string& name) {
  for (const Entry& e : table())
    if (e.type.name == name) return &e;
  return nullptr;
}

float half_to_float(uint16_t h) {
  const uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000 | (mant << 13);  // inf, nan
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  } else if (mant == 0) {
    bits = sign;
  } else {  // subnormal: normalize
    exp = 113;
    while (!(mant & 0x400)) {
      mant <<= 1;
      --exp;
    }
    bits = sign | (exp << 23) | ((mant & 0x3ff) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

template <typename T>
T load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// One element at `p`, as the Netwright type Out.
template <typename Out>
Out element(Source s, const char* p) {
  switch (s) {
    case Source::F32:
      return Out(load<float>(p));
    case Source::F64:
      return Out(load<double>(p));
    case Source::F16:
      return Out(half_to_float(load<uint16_t>(p)));
    case Source::BF16: {
      const uint32_t bits = uint32_t(load<uint16_t>(p)) << 16;
      return Out(load<float>(reinterpret_cast<const char*>(&bits)));
    }
    case Source::I64:
      return Out(load<int64_t>(p));
    case Source::I32:
      return Out(load<int32_t>(p));
    case Source::I16:
      return Out(load<int16_t>(p));
    case Source::I8:
      return Out(load<int8_t>(p));
    case Source::U8:
      return Out(load<uint8_t>(p));
    case Source::Bool:
      return Out(load<uint8_t>(p) != 0);
  }
  return Out();
}

// Walks the view in row-major order (an odometer over the dimensions).
template <typename Out>
void copy_elements(const TensorView& v, const Entry& e, std::string_view bytes, Out* out) {
  const int64_t n = static_cast<int64_t>(v.sizes.size());
  Shape index(n, 0);
  int64_t at = v.offset;
  int64_t count = 1;
  for (int64_t s : v.sizes) count *= s;
  for (int64_t k = 0; k < count; ++k) {
    out[k] = element<Out>(e.source, bytes.data() + at * int64_t(e.type.element_size));
    for (int64_t d = n - 1; d >= 0; --d) {
      at += v.strides[d];
      if (++index[d] < v.sizes[d]) break;
      at -= v.strides[d] * v.sizes[d];
      index[d] = 0;
    }
  }
}

}  // namespace

std::optional<StorageType> storage_type(const std::string& global) {
  if (const Entry* e = find(global)) return e->type;
  return std::nullopt;
}

std::string storage_type_list() {
  std::string out;
  for (const Entry& e : table()) out += (out.empty() ? "" : ", ") + e.type.name;
  return out;
}

std::string check_view(const TensorView& v, int64_t storage_numel) {
  if (int64_t(v.sizes.size()) > kMaxDims)
    return "has " + std::to_string(v.sizes.size()) + " dimensions, more than " +
           std::to_string(kMaxDims);
  if (v.sizes.size() != v.strides.size())
    return "has " + std::to_string(v.sizes.size()) + " sizes but " +
           std::to_string(v.strides.size()) + " strides";
  if (v.offset < 0) return "has the negative storage offset " + std::to_string(v.offset);
  int64_t numel = 1, last = v.offset;
  bool too_many = false, too_far = false;
  for (size_t d = 0; d < v.sizes.size(); ++d) {
    if (v.sizes[d] < 0 || v.strides[d] < 0)
      return "has a negative size or stride (size " + shape_str(v.sizes) + ", stride " +
             shape_str(v.strides) + ")";
    too_many = too_many || __builtin_mul_overflow(numel, v.sizes[d], &numel);
    if (v.sizes[d] > 1) {
      int64_t reach = 0;
      too_far = too_far || __builtin_mul_overflow(v.sizes[d] - 1, v.strides[d], &reach) ||
                __builtin_add_overflow(last, reach, &last);
    }
  }
  if (too_many || numel > kMaxElements)
    return "has size " + shape_str(v.sizes) + ", more than " + std::to_string(kMaxElements) +
           " elements";
  const std::string view = "(size " + shape_str(v.sizes) + ", stride " + shape_str(v.strides) +
                           ", offset " + std::to_string(v.offset) + ")";
  if (numel > 0 && too_far) return "reaches past element 2^63 " + view;
  if (numel > 0 && last >= storage_numel)
    return "reaches element " + std::to_string(last) + " " + view + " of a storage of " +
           std::to_string(storage_numel) + " elements";
  return "";
}

Tensor copy_view(const TensorView& view, const StorageType& type, std::string_view bytes) {
  const Entry& e = *find(type.name);
  // A dimension of size 1 never steps, whatever its stride (which check_view leaves unbounded):
  // zero it, so the walk's arithmetic stays within the checked reach.
  TensorView v = view;
  for (size_t d = 0; d < v.sizes.size(); ++d)
    if (v.sizes[d] <= 1) v.strides[d] = 0;
  Tensor t = empty(v.sizes, type.loads_as);
  switch (type.loads_as) {
    case DType::Float32:
      copy_elements(v, e, bytes, t.data_ptr<float>());
      break;
    case DType::Float64:
      copy_elements(v, e, bytes, t.data_ptr<double>());
      break;
    case DType::Int64:
      copy_elements(v, e, bytes, t.data_ptr<int64_t>());
      break;
    case DType::UInt8:
      copy_elements(v, e, bytes, t.data_ptr<uint8_t>());
      break;
    case DType::Bool:
      copy_elements(v, e, bytes, t.data_ptr<bool>());
      break;
  }
  return t;
}

}  // namespace nw::io::torch
