// Batched matrix products: cuBLAS strided-batched GEMM for float32/float64, reading transposed or
// broadcast operands in place through their strides; a simple kernel for integer dtypes.
// TF32 tensor-core math stays off (cuBLAS's default math mode), so results stay close to the CPU.
#include <cublas_v2.h>

#include <climits>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "backend/gemm_layout.h"
#include "backend/math_mode.h"
#include "cuda_backend.h"
#include "launch.cuh"

namespace nw::cuda {

namespace {

void check_cublas(cublasStatus_t st, const char* call, const char* file, int line) {
  if (st != CUBLAS_STATUS_SUCCESS)
    throw DeviceError(std::string("cuBLAS error: ") + call + " failed at " + file + ":" +
                      std::to_string(line) + " with " + cublasGetStatusName(st) + " (" +
                      cublasGetStatusString(st) + ")");
}
#define CUBLAS_CHECK(call) check_cublas((call), #call, __FILE__, __LINE__)

// One handle per device, created on first use; the lock also serializes calls on it, since a
// cuBLAS handle must not be used by two threads at once.
struct Handles {
  std::mutex mutex;
  std::vector<cublasHandle_t> per_device;
};

Handles& handles() {
  static Handles* h = new Handles;  // never destroyed: tensors may outlive static destructors
  return *h;
}

cublasHandle_t handle_for(int device) {  // caller holds the lock, device is current
  auto& h = handles().per_device;
  if (size_t(device) >= h.size()) h.resize(size_t(device) + 1, nullptr);
  if (!h[size_t(device)]) CUBLAS_CHECK(cublasCreate(&h[size_t(device)]));
  return h[size_t(device)];
}

int as_int(int64_t v, const char* what) {
  if (v > INT_MAX)
    throw ShapeError(std::string("bmm on CUDA: ") + what + " " + std::to_string(v) +
                     " exceeds cuBLAS's 32-bit limit; split the product into smaller ones");
  return int(v);
}

template <typename T>
void gemm_strided_batched(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m,
                          int n, int k, const T* a, int lda, int64_t sa, const T* b, int ldb,
                          int64_t sb, T* c, int ldc, int64_t sc, int batch) {
  const T one = 1, zero = 0;
  if constexpr (std::is_same_v<T, float>)
    CUBLAS_CHECK(cublasSgemmStridedBatched(h, ta, tb, m, n, k, &one, a, lda, sa, b, ldb, sb, &zero,
                                           c, ldc, sc, batch));
  else
    CUBLAS_CHECK(cublasDgemmStridedBatched(h, ta, tb, m, n, k, &one, a, lda, sa, b, ldb, sb, &zero,
                                           c, ldc, sc, batch));
}

template <typename T>
void cublas_bmm(const Tensor& a, const Tensor& b, const Tensor& out) {
  const int64_t B = out.size(0), M = out.size(1), N = out.size(2), K = a.size(2);
  const GemmOperand va = gemm_operand(a), vb = gemm_operand(b);
  // Row-major out = a b is column-major out^T = b^T a^T: cuBLAS gets b first.
  const auto op = [](const GemmOperand& v) { return v.transposed ? CUBLAS_OP_T : CUBLAS_OP_N; };
  std::lock_guard<std::mutex> lock(handles().mutex);
  cublasHandle_t h = handle_for(out.device().index());
  // Per call: the switch may change between two products. Float64 never uses TF32.
  if constexpr (std::is_same_v<T, float>)
    CUBLAS_CHECK(
        cublasSetMathMode(h, allow_tf32() ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH));
  gemm_strided_batched<T>(h, op(vb), op(va), as_int(N, "N"), as_int(M, "M"), as_int(K, "K"),
                          ptr<T>(vb.t), as_int(vb.ld, "leading dimension"), vb.t.stride(0),
                          ptr<T>(va.t), as_int(va.ld, "leading dimension"), va.t.stride(0),
                          ptr<T>(out), as_int(N, "N"), M * N, as_int(B, "batch"));
}

// Integer and bool products, one thread per output element (the CPU loops the same way).
template <typename T>
__global__ void naive_bmm_kernel(const T* a, const T* b, T* out, int64_t B, int64_t M, int64_t N,
                                 int64_t K, int64_t sa0, int64_t sa1, int64_t sa2, int64_t sb0,
                                 int64_t sb1, int64_t sb2) {
  const int64_t total = B * M * N, step = int64_t(blockDim.x) * gridDim.x;
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += step) {
    const int64_t j = i % N, r = (i / N) % M, bi = i / (M * N);
    T acc = 0;
    for (int64_t k = 0; k < K; ++k)
      acc += a[bi * sa0 + r * sa1 + k * sa2] * b[bi * sb0 + k * sb1 + j * sb2];
    out[i] = acc;
  }
}

template <typename T>
void naive_bmm(const Tensor& a, const Tensor& b, const Tensor& out) {
  const int64_t B = out.size(0), M = out.size(1), N = out.size(2), K = a.size(2);
  naive_bmm_kernel<T><<<grid_for(out.numel()), kThreads>>>(
      ptr<T>(a), ptr<T>(b), ptr<T>(out), B, M, N, K, a.stride(0), a.stride(1), a.stride(2),
      b.stride(0), b.stride(1), b.stride(2));
  CUDA_CHECK_LAUNCH();
}

}  // namespace

void CudaBackend::bmm(const Tensor& a, const Tensor& b, const Tensor& out) {
  if (out.numel() == 0) return;
  DeviceGuard guard(out.device().index());
  if (a.size(2) == 0) return fill(out, 0.0);
  switch (a.dtype()) {
    case DType::Float32:
      return cublas_bmm<float>(a, b, out);
    case DType::Float64:
      return cublas_bmm<double>(a, b, out);
    default:
      visit_dtype(a.dtype(), [&](auto tag) { naive_bmm<typename decltype(tag)::type>(a, b, out); });
  }
}

}  // namespace nw::cuda
