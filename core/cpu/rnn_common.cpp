// The plumbing the CPU LSTM and GRU kernels share: GEMM calls, biases and the hidden-weight
// gradient over all steps.
#include <cblas.h>

#include <algorithm>
#include <cstring>

#include "backend/threads.h"
#include "cpu/cpu_rnn.h"
#include "tensor/creation.h"

namespace nw::cpu {

RnnKernels& cpu_rnn_kernels() {
  static CpuRnnKernels kernels;
  return kernels;
}

namespace rnn {

template <>
void gemm<float>(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                 const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
                 int64_t ldc) {
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, int(m), int(n), int(k), alpha, a, int(lda), b,
              int(ldb), beta, c, int(ldc));
}

template <>
void gemm<double>(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha,
                  const double* a, int64_t lda, const double* b, int64_t ldb, double beta,
                  double* c, int64_t ldc) {
  cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, int(m), int(n), int(k), alpha, a, int(lda), b,
              int(ldb), beta, c, int(ldc));
}

template <typename T>
std::vector<T> bias_or_zeros(const Tensor& b, int64_t gates) {
  std::vector<T> v(size_t(gates), T(0));
  if (b.defined()) std::copy_n(b.data_ptr<T>(), gates, v.begin());
  return v;
}

template <typename T>
std::vector<T> summed_bias(const RnnWeights& w, int64_t gates) {
  std::vector<T> v = bias_or_zeros<T>(w.b_ih, gates);
  if (w.b_hh.defined()) {
    const T* b = w.b_hh.data_ptr<T>();
    for (int64_t j = 0; j < gates; ++j) v[size_t(j)] += b[j];
  }
  return v;
}

template <typename T>
void hidden_weight_grad(const RnnLayerDesc& d, const T* dgates, int64_t gates, const Tensor& y,
                        const Tensor& hx, const Tensor& dw_hh) {
  const int64_t T_ = d.seq_len, N = d.batch, H = d.hidden_size, rows = T_ * N;
  T* dw = dw_hh.data_ptr<T>();
  const T* py = y.data_ptr<T>();
  if (!d.batch_first) {
    // Time-major: the rows of steps 1..T-1 pair with y's rows of steps 0..T-2, one block each.
    T beta = 0;
    if (T_ > 1) {
      gemm<T>(true, false, gates, H, rows - N, T(1), dgates + N * gates, gates, py, H, T(0), dw, H);
      beta = 1;
    }
    if (hx.defined())
      gemm<T>(true, false, gates, H, N, T(1), dgates, gates, hx.data_ptr<T>(), H, beta, dw, H);
    else if (beta == 0)
      std::fill_n(dw, gates * H, T(0));
    return;
  }
  // Batch-first: row r = n T + t pairs with y's row r - 1, except at t = 0 (rows n T), where it
  // pairs with hx. One GEMM over rows 1.. pairs every row with row r - 1; the N - 1 wrong pairs
  // (n T with (n - 1) T + T - 1) are then subtracted and the hx pairs added, both as GEMMs over
  // rows T apart. This avoids gathering a shifted copy of y.
  if (T_ == 1) {
    if (hx.defined())
      gemm<T>(true, false, gates, H, N, T(1), dgates, gates, hx.data_ptr<T>(), H, T(0), dw, H);
    else
      std::fill_n(dw, gates * H, T(0));
    return;
  }
  gemm<T>(true, false, gates, H, rows - 1, T(1), dgates + gates, gates, py, H, T(0), dw, H);
  if (N > 1)
    gemm<T>(true, false, gates, H, N - 1, T(-1), dgates + T_ * gates, T_ * gates, py + (T_ - 1) * H,
            T_ * H, T(1), dw, H);
  if (hx.defined())
    gemm<T>(true, false, gates, H, N, T(1), dgates, T_ * gates, hx.data_ptr<T>(), H, T(1), dw, H);
}

template <typename T>
void copy_last_step(const RnnLayerDesc& d, const Tensor& y, const Tensor& hy) {
  if (!hy.defined()) return;
  const SeqRows r(d);
  const int64_t H = d.hidden_size;
  const T* src = y.data_ptr<T>() + (d.seq_len - 1) * r.step * H;
  T* dst = hy.data_ptr<T>();
  for (int64_t n = 0; n < d.batch; ++n)
    std::memcpy(dst + n * H, src + n * r.batch * H, size_t(H) * sizeof(T));
}

void check_kernel_dtype(const Tensor& x, const char* kernel) {
  if (x.dtype() != kFloat32 && x.dtype() != kFloat64)
    throw DTypeError(std::string(kernel) + ": the CPU kernel takes float32 or float64, got " +
                     dtype_name(x.dtype()) + "; convert the input and the weights with to()");
}

int batch_slices(int64_t batch) {
  return int(std::clamp<int64_t>(batch / kRowsPerSlice, 1, get_num_threads()));
}

Tensor grad_buffer(bool want, const Tensor& like) {
  return want && like.defined() ? empty(like.sizes(), TensorOptions(like.dtype())) : Tensor();
}

#define NW_RNN_INSTANTIATE(T)                                                                \
  template std::vector<T> bias_or_zeros<T>(const Tensor&, int64_t);                          \
  template std::vector<T> summed_bias<T>(const RnnWeights&, int64_t);                        \
  template void hidden_weight_grad<T>(const RnnLayerDesc&, const T*, int64_t, const Tensor&, \
                                      const Tensor&, const Tensor&);                         \
  template void copy_last_step<T>(const RnnLayerDesc&, const Tensor&, const Tensor&);
NW_RNN_INSTANTIATE(float)
NW_RNN_INSTANTIATE(double)
#undef NW_RNN_INSTANTIATE

}  // namespace rnn
}  // namespace nw::cpu
