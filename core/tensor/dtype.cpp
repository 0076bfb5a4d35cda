#include "tensor/dtype.h"

namespace nw {

size_t element_size(DType t) {
  switch (t) {
    case DType::Float32:
      return 4;
    case DType::Float64:
      return 8;
    case DType::Int64:
      return 8;
    case DType::UInt8:
      return 1;
    case DType::Bool:
      return 1;
  }
  return 1;
}

const char* dtype_name(DType t) {
  switch (t) {
    case DType::Float32:
      return "float32";
    case DType::Float64:
      return "float64";
    case DType::Int64:
      return "int64";
    case DType::UInt8:
      return "uint8";
    case DType::Bool:
      return "bool";
  }
  return "?";
}

bool is_floating(DType t) {
  return t == DType::Float32 || t == DType::Float64;
}

namespace {
int rank(DType t) {
  switch (t) {
    case DType::Bool:
      return 0;
    case DType::UInt8:
      return 1;
    case DType::Int64:
      return 2;
    case DType::Float32:
      return 3;
    case DType::Float64:
      return 4;
  }
  return 0;
}
}  // namespace

DType promote_types(DType a, DType b) {
  return rank(a) >= rank(b) ? a : b;
}

}  // namespace nw
