// cross_entropy and nll_loss over class indices. Both see the input as (N, C, K): N samples, C
// classes, K positions (the flattened d1, ... of (N, C, d1, ...); 1 for (N, C)). The loss of a
// sample is -sum_c A_c log p_c with A = (1 - eps) w_t onehot(t) + eps / C * w, and its gradient
// with respect to log p is -A times the upstream gradient; cross_entropy then runs it through
// log_softmax's backward (softmax.cpp), so each formula is written once.
#include <string>

#include "nn/functional/arg_checks.h"
#include "nn/functional/class_loss.h"
#include "nn/functional/loss.h"
#include "nn/functional/softmax_impl.h"
#include "ops/op_util.h"

namespace nw::nn::functional {

namespace {

using detail::ClassLoss;

Tensor as_3d(const Tensor& t, const ClassLoss& c) {
  return nw::detail::make_view(t, {c.N, c.C, c.K}, {c.C * c.K, c.K, 1}, t.storage_offset());
}

// The class-index loss of log-probabilities `logp` (input's shape, contiguous) as one op on
// `input`; `through_softmax` says whether input's gradient goes through log_softmax first.
Tensor class_loss_op(const Tensor& input, const Tensor& logp, const Tensor& target,
                     const ClassLoss& c, bool through_softmax) {
  const Tensor logp3 = as_3d(logp, c);
  const Tensor target2 = target.contiguous().reshape({c.N, c.K});
  double total_weight = 0;
  Tensor out = detail::class_loss_forward(logp3, target2, c, &total_weight);
  if (c.reduction == Reduction::None) out = out.reshape(target.sizes());
  if (!autograd::needs_grad({&input})) return out;
  autograd::record(out, "NllLossBackward0", {input},
                   [logp3, c, total_weight, through_softmax, st = autograd::SavedTensor(target2),
                    shape = input.sizes()](const Tensor& g) {
                     const Tensor& t = st.unpack("NllLossBackward0");
                     Tensor grad = detail::class_loss_backward(g, logp3, t, c, total_weight);
                     if (through_softmax) grad = detail::softmax_backward(grad, logp3, 1, true);
                     return std::vector<Tensor>{grad.reshape(shape)};
                   });
  return out;
}

}  // namespace

Tensor cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight,
                     int64_t ignore_index, Reduction reduction, double label_smoothing) {
  const ClassLoss c = detail::check_class_loss("cross_entropy", input, target, weight, ignore_index,
                                               reduction, label_smoothing);
  const Tensor logp = detail::softmax_forward(input.detach(), input.dim() == 1 ? 0 : 1, true);
  return class_loss_op(input, logp, target, c, true);
}

Tensor nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight,
                int64_t ignore_index, Reduction reduction) {
  const ClassLoss c =
      detail::check_class_loss("nll_loss", input, target, weight, ignore_index, reduction, 0.0);
  return class_loss_op(input, input.detach().contiguous(), target, c, false);
}

}  // namespace nw::nn::functional
