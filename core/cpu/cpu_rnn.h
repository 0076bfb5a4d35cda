#pragma once
// The CPU recurrent kernels (backend/rnn_kernels.h): LSTM in rnn_lstm.cpp, GRU in rnn_gru.cpp,
// the plumbing both share in rnn_common.cpp.
//
// How they are fast: the input projections of all T steps are one GEMM, x (T*N, I) @ w_ih^T;
// each step adds one GEMM h (N, H) @ w_hh^T and runs one fused, vectorised loop over the gates
// (rnn_math.h), on each thread's own slice of the batch (batch_slices below). Backward walks the
// steps in reverse with one GEMM per step for dh, sliced the same way; the weight
// gradients and dx are then single GEMMs over all steps, reading the gate gradients it stored.
// Nothing is allocated per step, and batch-first sequences are read in place through leading
// dimensions instead of being transposed.
#include <vector>

#include "backend/rnn_kernels.h"

namespace nw::cpu {

class CpuRnnKernels final : public RnnKernels {
 public:
  Tensor lstm_forward(const RnnLayerDesc& d, const RnnForwardArgs& a) override;
  RnnGrads lstm_backward(const RnnLayerDesc& d, const RnnBackwardArgs& a) override;
  Tensor gru_forward(const RnnLayerDesc& d, const RnnForwardArgs& a) override;
  RnnGrads gru_backward(const RnnLayerDesc& d, const RnnBackwardArgs& a) override;
};

RnnKernels& cpu_rnn_kernels();

namespace rnn {

// Where step t of sequence n sits among the rows of x, y and the per-row gate buffers:
// row t * step + n * batch, i.e. (step, batch) = (N, 1) time-major and (1, T) batch-first.
struct SeqRows {
  int64_t step, batch;
  explicit SeqRows(const RnnLayerDesc& d)
      : step(d.batch_first ? 1 : d.batch), batch(d.batch_first ? d.seq_len : 1) {}
};

// Row-major C = alpha * op(A) @ op(B) + beta * C through OpenBLAS (float or double).
template <typename T>
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
          int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc);

// b_ih + b_hh (or zeros without biases), the bias every LSTM gate adds once.
template <typename T>
std::vector<T> summed_bias(const RnnWeights& w, int64_t gates);
// The values of a bias (or zeros when undefined).
template <typename T>
std::vector<T> bias_or_zeros(const Tensor& b, int64_t gates);

// dw_hh = sum over every step and sequence of dgates_row^T @ h_prev_row, where h_prev is hx (or
// zeros) at t = 0 and y at t - 1 otherwise. dgates: (rows, gates) in x's row order.
template <typename T>
void hidden_weight_grad(const RnnLayerDesc& d, const T* dgates, int64_t gates, const Tensor& y,
                        const Tensor& hx, const Tensor& dw_hh);

// Copies step T - 1 of y into hy (N, H) and checks the dtype of a kernel call.
template <typename T>
void copy_last_step(const RnnLayerDesc& d, const Tensor& y, const Tensor& hy);
void check_kernel_dtype(const Tensor& x, const char* kernel);

// Asks for `rows` rows of `len` elements, `ld` apart, to be brought into cache. The backward
// passes call it for the next step's saved activations before each step's GEMM, which then hides
// the memory latency that would otherwise stall the gate loop.
template <typename T>
inline void prefetch_rows(const T* p, int64_t rows, int64_t len, int64_t ld) {
  constexpr int64_t kLine = 64 / int64_t(sizeof(T));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < len; i += kLine) __builtin_prefetch(p + r * ld + i);
}

// Sequences never meet inside a recurrence, so each thread runs every step of its own slice of
// the batch, its GEMMs single-threaded: one parallel region per layer and pass, where splitting
// each step's small GEMM costs two synchronisations per step. A slice keeps at least
// kRowsPerSlice sequences, below which packing w_hh for the GEMM outweighs its arithmetic.
// rnn_slices.h runs the slices.
inline constexpr int64_t kRowsPerSlice = 8;
int batch_slices(int64_t batch);
// The first sequence of slice s (slice_begin(batch, slices, slices) == batch).
inline int64_t slice_begin(int64_t batch, int slices, int s) {
  return batch * s / slices;
}

// Allocates a gradient for `like` when `want`, else returns an undefined tensor.
Tensor grad_buffer(bool want, const Tensor& like);

}  // namespace rnn
}  // namespace nw::cpu
