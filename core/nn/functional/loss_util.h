#pragma once
// Internal to core/nn/functional: argument checks and reduction plumbing shared by the losses.
#include "nn/functional/loss.h"

namespace nw::nn::functional::detail {

// input and target: defined, floating, one dtype and device, the same shape.
void check_pair(const Tensor& input, const Tensor& target, const char* op);
// An optional rescaling weight (`what`: "weight", "pos_weight"): input's dtype and device,
// broadcastable to input's shape, and not requiring grad (PyTorch has no gradient for it).
void check_loss_weight(const Tensor& weight, const Tensor& input, const char* op, const char* what);
// Every element of input lies in [0, 1].
void check_probabilities(const Tensor& input, const char* op);

// The per-element losses `l` folded by `r` (no autograd).
Tensor reduce(const Tensor& l, Reduction r);
// The upstream gradient of each element: g / n for mean (0-d, broadcast by the caller), g for
// sum and none.
Tensor per_element(const Tensor& g, Reduction r, int64_t n);

}  // namespace nw::nn::functional::detail
