#pragma once
// Recurrent layers, as torch.nn.LSTM and torch.nn.GRU: PyTorch's constructor parameters and
// defaults, parameter names (weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}), gate
// order and initialisation (every parameter uniform in +-1/sqrt(hidden_size)).
//
//   auto lstm = std::make_shared<nw::nn::LSTM>(28, 128, 2, true, /*batch_first=*/true);
//   nw::nn::RnnOutput r = lstm->forward(x, h0, c0);  // x (N, T, 28); r.output (N, T, 128)
//   nw::Tensor out = (*lstm)(x);                     // the output sequence, as in Sequential
//
// bidirectional=true is not supported yet: the constructor throws and says so.
#include "nn/functional/rnn.h"
#include "nn/module.h"

namespace nw::nn {

// What LSTM and GRU share, as PyTorch's RNNBase.
class RNNBase : public Module {
 public:
  // Zero states when h0 (and c0) are undefined; see nn/functional/rnn.h for the shapes.
  virtual RnnOutput forward(const Tensor& x, const Tensor& h0, const Tensor& c0) = 0;
  using Module::forward;
  // The output sequence (all steps of the last layer), so that the layer composes in Sequential.
  Tensor forward(const Tensor& x) override { return forward(x, Tensor(), Tensor()).output; }
  std::string extra_repr() const override;
  // Every parameter uniform in [-1/sqrt(hidden_size), 1/sqrt(hidden_size)], in registration order.
  void reset_parameters();

  int64_t input_size() const { return input_size_; }
  int64_t hidden_size() const { return hidden_size_; }
  int64_t num_layers() const { return num_layers_; }
  bool bias() const { return bias_; }
  bool batch_first() const { return batch_first_; }
  double dropout() const { return dropout_; }

 protected:
  RNNBase(const char* type, int64_t gates, int64_t input_size, int64_t hidden_size,
          int64_t num_layers, bool bias, bool batch_first, double dropout, bool bidirectional);
  functional::RnnOptions options() const;

 private:
  int64_t input_size_, hidden_size_, num_layers_;
  bool bias_, batch_first_;
  double dropout_;
};

class LSTM : public RNNBase {
 public:
  LSTM(int64_t input_size, int64_t hidden_size, int64_t num_layers = 1, bool bias = true,
       bool batch_first = false, double dropout = 0.0, bool bidirectional = false)
      : RNNBase("LSTM", 4, input_size, hidden_size, num_layers, bias, batch_first, dropout,
                bidirectional) {}
  using RNNBase::forward;
  RnnOutput forward(const Tensor& x, const Tensor& h0, const Tensor& c0 = Tensor()) override;
};

class GRU : public RNNBase {
 public:
  GRU(int64_t input_size, int64_t hidden_size, int64_t num_layers = 1, bool bias = true,
      bool batch_first = false, double dropout = 0.0, bool bidirectional = false)
      : RNNBase("GRU", 3, input_size, hidden_size, num_layers, bias, batch_first, dropout,
                bidirectional) {}
  using RNNBase::forward;
  // c0 must be undefined: a GRU has no cell state. The result's c_n is undefined.
  RnnOutput forward(const Tensor& x, const Tensor& h0, const Tensor& c0 = Tensor()) override;
};

}  // namespace nw::nn
