// Batched matrix products through OpenBLAS: one GEMM call per batch entry, reading transposed or
// broadcast operands in place through their strides instead of copying them.
#include <cblas.h>

#include "backend/gemm_layout.h"
#include "cpu/cpu_backend.h"

namespace nw {

namespace {

template <typename T>
void naive_bmm(const Tensor& a, const Tensor& b, const Tensor& out) {
  const int64_t B = out.size(0), M = out.size(1), N = out.size(2), K = a.size(2);
  const T* pa = static_cast<const T*>(a.raw_data());
  const T* pb = static_cast<const T*>(b.raw_data());
  T* po = static_cast<T*>(out.raw_data());
  for (int64_t bi = 0; bi < B; ++bi)
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        T acc = 0;
        for (int64_t k = 0; k < K; ++k)
          acc += pa[bi * a.stride(0) + i * a.stride(1) + k * a.stride(2)] *
                 pb[bi * b.stride(0) + k * b.stride(1) + j * b.stride(2)];
        po[(bi * M + i) * N + j] = acc;
      }
}

}  // namespace

void CpuBackend::bmm(const Tensor& a, const Tensor& b, const Tensor& out) {
  const int64_t B = out.size(0), M = out.size(1), N = out.size(2), K = a.size(2);
  if (out.numel() == 0) return;
  if (K == 0 || (a.dtype() != kFloat32 && a.dtype() != kFloat64)) {
    if (K == 0) {
      fill(out, 0.0);
      return;
    }
    visit_dtype(a.dtype(), [&](auto tag) { naive_bmm<typename decltype(tag)::type>(a, b, out); });
    return;
  }
  GemmOperand va = gemm_operand(a), vb = gemm_operand(b);
  const int64_t sa = va.t.stride(0), sb = vb.t.stride(0);
  const auto ta = va.transposed ? CblasTrans : CblasNoTrans;
  const auto tb = vb.transposed ? CblasTrans : CblasNoTrans;
  for (int64_t i = 0; i < B; ++i) {
    if (a.dtype() == kFloat32) {
      const float* pa = static_cast<const float*>(va.t.raw_data()) + i * sa;
      const float* pb = static_cast<const float*>(vb.t.raw_data()) + i * sb;
      float* po = static_cast<float*>(out.raw_data()) + i * M * N;
      cblas_sgemm(CblasRowMajor, ta, tb, int(M), int(N), int(K), 1.0f, pa, int(va.ld), pb,
                  int(vb.ld), 0.0f, po, int(N));
    } else {
      const double* pa = static_cast<const double*>(va.t.raw_data()) + i * sa;
      const double* pb = static_cast<const double*>(vb.t.raw_data()) + i * sb;
      double* po = static_cast<double*>(out.raw_data()) + i * M * N;
      cblas_dgemm(CblasRowMajor, ta, tb, int(M), int(N), int(K), 1.0, pa, int(va.ld), pb,
                  int(vb.ld), 0.0, po, int(N));
    }
  }
}

}  // namespace nw
