#include "nn/layers/rnn.h"

#include <cmath>

#include "nn/init.h"
#include "nn/layers/repr_util.h"
#include "tensor/creation.h"

namespace nw::nn {

RNNBase::RNNBase(const char* type, int64_t gates, int64_t input_size, int64_t hidden_size,
                 int64_t num_layers, bool bias, bool batch_first, double dropout,
                 bool bidirectional)
    : Module(type),
      input_size_(input_size),
      hidden_size_(hidden_size),
      num_layers_(num_layers),
      bias_(bias),
      batch_first_(batch_first),
      dropout_(dropout) {
  const std::string t = type;
  if (input_size <= 0 || hidden_size <= 0)
    throw Error(t + ": input_size and hidden_size must be positive, got " +
                std::to_string(input_size) + " and " + std::to_string(hidden_size));
  if (num_layers < 1)
    throw Error(t + ": num_layers must be at least 1, got " + std::to_string(num_layers));
  if (!(dropout >= 0.0 && dropout <= 1.0))
    throw Error(t + ": dropout must be in [0, 1] (the probability of zeroing an element), got " +
                std::to_string(dropout));
  if (bidirectional)
    throw Error(t +
                ": bidirectional=true is not supported yet; use bidirectional=false, or run a "
                "second " +
                t + " over the time-reversed sequence and concatenate the outputs");
  const int64_t G = gates * hidden_size;
  for (int64_t k = 0; k < num_layers; ++k) {
    const std::string l = "_l" + std::to_string(k);
    register_parameter("weight_ih" + l, empty({G, k == 0 ? input_size : hidden_size}));
    register_parameter("weight_hh" + l, empty({G, hidden_size}));
    if (bias) {
      register_parameter("bias_ih" + l, empty({G}));
      register_parameter("bias_hh" + l, empty({G}));
    }
  }
  reset_parameters();
}

void RNNBase::reset_parameters() {
  const double k = 1.0 / std::sqrt(double(hidden_size_));
  for (const Tensor& p : parameters(false)) init::uniform_(p, -k, k);
}

functional::RnnOptions RNNBase::options() const {
  functional::RnnOptions o;
  o.num_layers = num_layers_;
  o.bias = bias_;
  o.batch_first = batch_first_;
  o.dropout = dropout_;
  o.training = is_training();
  return o;
}

std::string RNNBase::extra_repr() const {
  std::string s = std::to_string(input_size_) + ", " + std::to_string(hidden_size_);
  if (num_layers_ != 1) s += ", num_layers=" + std::to_string(num_layers_);
  if (!bias_) s += ", bias=False";
  if (batch_first_) s += ", batch_first=True";
  if (dropout_ != 0.0) s += ", dropout=" + repr_number(dropout_);
  return s;
}

RnnOutput LSTM::forward(const Tensor& x, const Tensor& h0, const Tensor& c0) {
  return functional::lstm(x, parameters(false), options(), h0, c0, "LSTM");
}

RnnOutput GRU::forward(const Tensor& x, const Tensor& h0, const Tensor& c0) {
  if (c0.defined())
    throw Error("GRU: got a cell state c0, but a GRU has only the hidden state h0; pass h0 alone");
  return functional::gru(x, parameters(false), options(), h0, "GRU");
}

}  // namespace nw::nn
