#include "backend/gemm_layout.h"

#include <algorithm>

namespace nw {

GemmOperand gemm_operand(const Tensor& m) {
  const int64_t rows = m.size(1), cols = m.size(2);
  const int64_t rs = m.stride(1), cs = m.stride(2);
  // The stride of a size-1 dimension is arbitrary, so it never disqualifies a layout.
  const int64_t ld_n = rows == 1 ? std::max<int64_t>(cols, 1) : rs;
  if ((cs == 1 || cols == 1) && ld_n >= std::max<int64_t>(cols, 1)) return {false, ld_n, m};
  const int64_t ld_t = cols == 1 ? std::max<int64_t>(rows, 1) : cs;
  if ((rs == 1 || rows == 1) && ld_t >= std::max<int64_t>(rows, 1)) return {true, ld_t, m};
  return {false, std::max<int64_t>(cols, 1), m.contiguous()};
}

}  // namespace nw
