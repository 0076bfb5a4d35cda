#pragma once
// Element types a tensor can hold, and the compile-time dispatch over them.
#include <cstddef>
#include <cstdint>
#include <string>

namespace nw {

enum class DType : uint8_t { Float32, Float64, Int64, UInt8, Bool };

inline constexpr DType kFloat32 = DType::Float32;
inline constexpr DType kFloat64 = DType::Float64;
inline constexpr DType kInt64 = DType::Int64;
inline constexpr DType kUInt8 = DType::UInt8;
inline constexpr DType kBool = DType::Bool;

size_t element_size(DType t);
const char* dtype_name(DType t);  // "float32", "int64", ... as PyTorch prints them
bool is_floating(DType t);
// The dtype of `a op b` under PyTorch's promotion rules (bool < uint8 < int64 < float32 < float64).
DType promote_types(DType a, DType b);

template <typename T>
struct dtype_of;
template <>
struct dtype_of<float> {
  static constexpr DType value = kFloat32;
};
template <>
struct dtype_of<double> {
  static constexpr DType value = kFloat64;
};
template <>
struct dtype_of<int64_t> {
  static constexpr DType value = kInt64;
};
template <>
struct dtype_of<uint8_t> {
  static constexpr DType value = kUInt8;
};
template <>
struct dtype_of<bool> {
  static constexpr DType value = kBool;
};

template <typename T>
struct TypeTag {
  using type = T;
};

// Calls f(TypeTag<T>{}) with the C++ type that stores `t`.
template <typename F>
decltype(auto) visit_dtype(DType t, F&& f) {
  switch (t) {
    case DType::Float32:
      return f(TypeTag<float>{});
    case DType::Float64:
      return f(TypeTag<double>{});
    case DType::Int64:
      return f(TypeTag<int64_t>{});
    case DType::UInt8:
      return f(TypeTag<uint8_t>{});
    case DType::Bool:
      break;
  }
  return f(TypeTag<bool>{});
}

}  // namespace nw
