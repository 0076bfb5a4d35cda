#pragma once
// Loss functions, as torch.nn.functional spells them, with PyTorch's reduction semantics. Each is
// one op with its backward; cross_entropy fuses log_softmax and the negative log likelihood, and
// binary_cross_entropy_with_logits fuses the sigmoid, both in their numerically stable forms.
#include <string_view>

#include "tensor/tensor.h"

namespace nw::nn {

// How a loss folds its per-element values: none keeps them, mean averages (over the weights, for
// the class-index losses), sum adds them up.
enum class Reduction { None, Mean, Sum };

Reduction reduction_from_string(std::string_view name);  // "none", "mean", "sum"
const char* reduction_name(Reduction r);

}  // namespace nw::nn

namespace nw::nn::functional {

inline constexpr int64_t kIgnoreIndex = -100;

// input: (N, C) logits, (N, C, d1, ...) or (C) unbatched; target: int64 class indices of shape
// (N), (N, d1, ...) or () in [0, C) or equal to ignore_index; weight: (C) class weights.
// mean divides by the summed weights of the non-ignored targets, as PyTorch does. label_smoothing
// in [0, 1] mixes in the uniform distribution over the C classes. None gives shape (N, d1, ...).
Tensor cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight = Tensor(),
                     int64_t ignore_index = kIgnoreIndex, Reduction reduction = Reduction::Mean,
                     double label_smoothing = 0.0);

// The same with log-probabilities as input (for example log_softmax's output).
Tensor nll_loss(const Tensor& input, const Tensor& target, const Tensor& weight = Tensor(),
                int64_t ignore_index = kIgnoreIndex, Reduction reduction = Reduction::Mean);

// input: probabilities in [0, 1]; target: same shape and dtype; weight broadcasts to input.
// log(p) and log(1 - p) are clamped at -100, so p = 0 or 1 gives a finite loss.
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target,
                            const Tensor& weight = Tensor(), Reduction reduction = Reduction::Mean);

// input: logits; target: same shape. pos_weight: weight of the positive term, broadcast over the
// last (class) dimension, e.g. (C) for input (N, C). Stable for logits of any magnitude.
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const Tensor& weight = Tensor(),
                                        const Tensor& pos_weight = Tensor(),
                                        Reduction reduction = Reduction::Mean);

// Elementwise losses; input and target have the same shape and floating dtype.
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
// Quadratic for |input - target| < beta, linear beyond; beta = 0 is l1_loss.
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target,
                      Reduction reduction = Reduction::Mean, double beta = 1.0);

}  // namespace nw::nn::functional
