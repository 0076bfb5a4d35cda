#pragma once
// Parameter initialisation, as torch.nn.init. Each fills a tensor in place under no-grad from the
// default generator, so nw::manual_seed makes a fresh network reproducible.
#include <string>
#include <utility>

#include "tensor/tensor.h"

namespace nw::nn::init {

// (fan_in, fan_out) of a weight: (in, out) for Linear, (in/groups * kernel area, out * area) for
// convolutions, as PyTorch's _calculate_fan_in_and_fan_out.
std::pair<int64_t, int64_t> fan_in_and_fan_out(const Tensor& w);

void uniform_(const Tensor& t, double low, double high);
void normal_(const Tensor& t, double mean = 0.0, double stddev = 1.0);
void constant_(const Tensor& t, double value);
void zeros_(const Tensor& t);
void ones_(const Tensor& t);
// Gain for a nonlinearity: "linear", "sigmoid", "tanh", "relu", "leaky_relu" (with `param`).
double calculate_gain(const std::string& nonlinearity, double param = 0.01);
void kaiming_uniform_(const Tensor& t, double a = 0.0, bool fan_in = true,
                      const std::string& nonlinearity = "leaky_relu");
void kaiming_normal_(const Tensor& t, double a = 0.0, bool fan_in = true,
                     const std::string& nonlinearity = "leaky_relu");
void xavier_uniform_(const Tensor& t, double gain = 1.0);
void xavier_normal_(const Tensor& t, double gain = 1.0);

}  // namespace nw::nn::init
