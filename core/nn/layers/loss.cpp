#include "nn/layers/loss.h"

namespace nw::nn {

namespace F = functional;

Tensor Loss::forward(const std::vector<Tensor>& inputs) {
  if (inputs.size() != 2)
    throw Error(type_name() + ": takes two inputs (prediction, target), got " +
                std::to_string(inputs.size()));
  return forward(inputs[0], inputs[1]);
}

CrossEntropyLoss::CrossEntropyLoss(Tensor w, int64_t ignore_index, Reduction reduction,
                                   double label_smoothing)
    : Loss("CrossEntropyLoss", reduction),
      ignore_index_(ignore_index),
      label_smoothing_(label_smoothing) {
  if (label_smoothing < 0.0 || label_smoothing > 1.0)
    throw Error("CrossEntropyLoss: label_smoothing must be in [0, 1], got " +
                std::to_string(label_smoothing));
  if (w.defined()) weight = register_buffer("weight", w);
}

Tensor CrossEntropyLoss::forward(const Tensor& input, const Tensor& target) {
  return F::cross_entropy(input, target, weight, ignore_index_, reduction_, label_smoothing_);
}

NLLLoss::NLLLoss(Tensor w, int64_t ignore_index, Reduction reduction)
    : Loss("NLLLoss", reduction), ignore_index_(ignore_index) {
  if (w.defined()) weight = register_buffer("weight", w);
}

Tensor NLLLoss::forward(const Tensor& input, const Tensor& target) {
  return F::nll_loss(input, target, weight, ignore_index_, reduction_);
}

BCELoss::BCELoss(Tensor w, Reduction reduction) : Loss("BCELoss", reduction) {
  if (w.defined()) weight = register_buffer("weight", w);
}

Tensor BCELoss::forward(const Tensor& input, const Tensor& target) {
  return F::binary_cross_entropy(input, target, weight, reduction_);
}

BCEWithLogitsLoss::BCEWithLogitsLoss(Tensor w, Reduction reduction, Tensor pw)
    : Loss("BCEWithLogitsLoss", reduction) {
  if (w.defined()) weight = register_buffer("weight", w);
  if (pw.defined()) pos_weight = register_buffer("pos_weight", pw);
}

Tensor BCEWithLogitsLoss::forward(const Tensor& input, const Tensor& target) {
  return F::binary_cross_entropy_with_logits(input, target, weight, pos_weight, reduction_);
}

Tensor MSELoss::forward(const Tensor& input, const Tensor& target) {
  return F::mse_loss(input, target, reduction_);
}

Tensor L1Loss::forward(const Tensor& input, const Tensor& target) {
  return F::l1_loss(input, target, reduction_);
}

Tensor SmoothL1Loss::forward(const Tensor& input, const Tensor& target) {
  return F::smooth_l1_loss(input, target, reduction_, beta_);
}

}  // namespace nw::nn
