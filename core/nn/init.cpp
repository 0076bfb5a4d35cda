#include "nn/init.h"

#include <cmath>

#include "autograd/grad_mode.h"
#include "tensor/creation.h"

namespace nw::nn::init {

std::pair<int64_t, int64_t> fan_in_and_fan_out(const Tensor& w) {
  if (w.dim() < 2)
    throw ShapeError("init: fan in and fan out need a weight with at least 2 dimensions, got " +
                     shape_str(w.sizes()));
  int64_t receptive = 1;
  for (int64_t d = 2; d < w.dim(); ++d) receptive *= w.size(d);
  return {w.size(1) * receptive, w.size(0) * receptive};
}

void uniform_(const Tensor& t, double low, double high) {
  NoGradGuard ng;
  Tensor u = rand(t.sizes(), TensorOptions(t.dtype()).device(t.device()));
  Tensor(t).copy_(u * (high - low) + low);
}

void normal_(const Tensor& t, double mean, double stddev) {
  NoGradGuard ng;
  Tensor n = randn(t.sizes(), TensorOptions(t.dtype()).device(t.device()));
  Tensor(t).copy_(n * stddev + mean);
}

void constant_(const Tensor& t, double value) {
  NoGradGuard ng;
  Tensor(t).fill_(value);
}
void zeros_(const Tensor& t) {
  constant_(t, 0.0);
}
void ones_(const Tensor& t) {
  constant_(t, 1.0);
}

double calculate_gain(const std::string& nonlinearity, double param) {
  if (nonlinearity == "linear" || nonlinearity == "sigmoid" || nonlinearity.rfind("conv", 0) == 0)
    return 1.0;
  if (nonlinearity == "tanh") return 5.0 / 3.0;
  if (nonlinearity == "relu") return std::sqrt(2.0);
  if (nonlinearity == "leaky_relu") return std::sqrt(2.0 / (1.0 + param * param));
  if (nonlinearity == "selu") return 3.0 / 4.0;
  throw Error("calculate_gain: unknown nonlinearity '" + nonlinearity +
              "'; use linear, sigmoid, tanh, relu, leaky_relu or selu");
}

namespace {
double kaiming_std(const Tensor& t, double a, bool fan_in, const std::string& nonlinearity) {
  auto [in, out] = fan_in_and_fan_out(t);
  double fan = double(fan_in ? in : out);
  if (fan == 0) return 0.0;
  return calculate_gain(nonlinearity, a) / std::sqrt(fan);
}
}  // namespace

void kaiming_uniform_(const Tensor& t, double a, bool fan_in, const std::string& nonlinearity) {
  double bound = std::sqrt(3.0) * kaiming_std(t, a, fan_in, nonlinearity);
  uniform_(t, -bound, bound);
}

void kaiming_normal_(const Tensor& t, double a, bool fan_in, const std::string& nonlinearity) {
  normal_(t, 0.0, kaiming_std(t, a, fan_in, nonlinearity));
}

void xavier_uniform_(const Tensor& t, double gain) {
  auto [in, out] = fan_in_and_fan_out(t);
  double bound = gain * std::sqrt(6.0 / double(in + out));
  uniform_(t, -bound, bound);
}

void xavier_normal_(const Tensor& t, double gain) {
  auto [in, out] = fan_in_and_fan_out(t);
  normal_(t, 0.0, gain * std::sqrt(2.0 / double(in + out)));
}

}  // namespace nw::nn::init
