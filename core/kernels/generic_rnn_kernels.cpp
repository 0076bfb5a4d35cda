// The plumbing the generic LSTM and GRU kernels share (see generic_rnn_kernels.h).
#include "kernels/generic_rnn_kernels.h"

#include <string>

#include "tensor/ops.h"

namespace nw {

RnnKernels& generic_rnn_kernels() {
  static generic_rnn::GenericRnnKernels kernels;
  return kernels;
}

namespace generic_rnn {

Tensor step(const RnnLayerDesc& d, const Tensor& seq, int64_t t) {
  return seq.select(d.batch_first ? 1 : 0, t);
}

Tensor as_seq(const RnnLayerDesc& d, const Tensor& rows) {
  const int64_t T = d.seq_len, N = d.batch, C = rows.size(1);
  return rows.view(d.batch_first ? Shape{N, T, C} : Shape{T, N, C});
}

Tensor previous_hidden(const RnnLayerDesc& d, const Tensor& y, const Tensor& hx) {
  const int64_t T = d.seq_len, N = d.batch, H = d.hidden_size, time_dim = d.batch_first ? 1 : 0;
  const Tensor h0 = (hx.defined() ? hx : zeros({N, H}, options_of(y))).unsqueeze(time_dim);
  const Tensor prev = T == 1 ? h0 : cat({h0, y.narrow(time_dim, 0, T - 1)}, time_dim);
  return prev.reshape({T * N, H});
}

void check_dtype(const Tensor& x, const char* kernel) {
  if (!x.is_floating_point())
    throw DTypeError(std::string(kernel) + ": the recurrent kernels take a floating dtype, got " +
                     dtype_name(x.dtype()) + "; convert the input and the weights with to()");
}

TensorOptions options_of(const Tensor& x) {
  return TensorOptions(x.dtype()).device(x.device());
}

}  // namespace generic_rnn
}  // namespace nw
