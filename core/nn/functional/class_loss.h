#pragma once
// Internal to core/nn/functional: the negative log likelihood over class indices with class
// weights, ignore_index and label smoothing, shared by cross_entropy and nll_loss. Inputs are
// seen as (N, C, K) log-probabilities and (N, K) int64 targets.
#include "nn/functional/loss.h"

namespace nw::nn::functional::detail {

struct ClassLoss {
  const char* op = "";
  int64_t N = 1, C = 1, K = 1;
  Tensor weight;  // (C), detached, or undefined
  int64_t ignore_index = kIgnoreIndex;
  Reduction reduction = Reduction::Mean;
  double smoothing = 0;
};

// Checks every argument (dtypes, the target's shape, each class index, the weight, the smoothing)
// and returns the geometry. input: (N, C, d1, ...), (N, C) or (C).
ClassLoss check_class_loss(const char* op, const Tensor& input, const Tensor& target,
                           const Tensor& weight, int64_t ignore_index, Reduction reduction,
                           double label_smoothing);

// logp: (N, C, K) contiguous; target: (N, K) contiguous. Returns the loss, (N, K) for
// Reduction::None and 0-d otherwise, and the summed weight of the counted targets (the mean's
// divisor).
Tensor class_loss_forward(const Tensor& logp, const Tensor& target, const ClassLoss& c,
                          double* total_weight);
// d loss / d logp, (N, C, K), for the upstream gradient g (the loss's shape).
Tensor class_loss_backward(const Tensor& g, const Tensor& logp, const Tensor& target,
                           const ClassLoss& c, double total_weight);

}  // namespace nw::nn::functional::detail
