#pragma once
// How a BLAS library (OpenBLAS on the host, cuBLAS on a GPU) can read one batch matrix of a
// (B, rows, cols) tensor in place: row-major with a leading dimension, or its transpose. Shared
// by every backend's bmm so they agree on which layouts need a copy.
#include "tensor/tensor.h"

namespace nw {

struct GemmOperand {
  bool transposed = false;  // the bytes are the (cols x rows) row-major transpose
  int64_t ld = 0;           // leading dimension, in elements
  Tensor t;                 // the input, or a contiguous copy when no layout fits
};

// m: (B, rows, cols) with any strides; the batch stride is read from the returned tensor.
GemmOperand gemm_operand(const Tensor& m);

}  // namespace nw
