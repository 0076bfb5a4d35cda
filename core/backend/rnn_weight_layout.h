#pragma once
// Where PyTorch's RNN parameters go in cuDNN's packed weight space, and back. PyTorch keeps per
// layer and direction weight_ih_l{k}[_reverse] (G*H, I), weight_hh_l{k} (G*H, H or P),
// bias_ih_l{k}, bias_hh_l{k} (G*H) and, for an LSTM with proj_size P, weight_hr_l{k} (P, H).
// cuDNN keeps one matrix and one bias per gate ("linear layer"), each at an offset that
// cudnnGetRNNWeightParams reports for (pseudo-layer, linLayerID). The gate orders agree (LSTM
// i, f, g, o; GRU r, z, n, cuDNN's "new memory" gate computed as PyTorch's n with the double
// bias), so a parameter splits into G row blocks, block g going to linear layer g (input side)
// or G + g (recurrent side):
//   LSTM: 0-3 W (i, f, g, o), 4-7 R (i, f, g, o), 8 the projection (no bias)
//   GRU:  0-2 W (r, z, n),    3-5 R (r, z, n)
//   RNN_TANH / RNN_RELU: 0 W, 1 R
// This is the plain part, tested on the CPU; the plugin supplies the offsets and the copies.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace nw {

enum class RnnMode { RnnTanh, RnnRelu, Lstm, Gru };

struct RnnShape {
  RnnMode mode = RnnMode::Lstm;
  int64_t layers = 1;
  bool bidirectional = false;
  int64_t input_size = 0;
  int64_t hidden_size = 0;
  int64_t proj_size = 0;  // LSTM only; 0: none
  bool bias = true;
};

// One gate's matrix or bias: a block of rows of a PyTorch parameter and the cuDNN linear layer
// it is.
struct RnnWeightPiece {
  std::string param;     // PyTorch's name: "weight_ih_l0", "bias_hh_l1_reverse", "weight_hr_l0"
  int64_t row = 0;       // the block's first row in the parameter
  int64_t rows = 0;      // the block: rows x cols, row-major and contiguous in the parameter
  int64_t cols = 1;      // 1 for a bias
  int pseudo_layer = 0;  // layer * directions + direction, as cudnnGetRNNWeightParams takes it
  int lin_layer_id = 0;
  bool is_bias = false;
  int64_t numel() const { return rows * cols; }
  int64_t param_offset() const { return row * cols; }  // in elements
};

// Gates per cell: 4 (LSTM), 3 (GRU), 1 (plain RNN).
int64_t rnn_gate_count(RnnMode mode);

// PyTorch's parameters in its order (nn.LSTM's _flat_weights_names) with their shapes
// ({rows, cols}, cols 1 for a bias). Throws nw::Error for sizes below 1, or a projection on a
// mode other than LSTM or not below hidden_size.
struct RnnParamShape {
  std::string name;
  int64_t rows = 0, cols = 1;
};
std::vector<RnnParamShape> torch_rnn_params(const RnnShape& s);

// Every piece of every parameter, by pseudo-layer, then matrices before biases, then linear
// layer id; together they cover each parameter exactly once.
std::vector<RnnWeightPiece> cudnn_weight_pieces(const RnnShape& s);

// One contiguous copy between a parameter and the weight space, in elements.
struct RnnWeightCopy {
  size_t param_index = 0;  // into torch_rnn_params(s)
  int64_t param_offset = 0;
  int64_t space_offset = 0;
  int64_t count = 0;
};
// The copies that pack PyTorch's parameters into a weight space of space_numel elements (the
// reverse copies unpack it). `offset_of` answers what cudnnGetRNNWeightParams does: a piece's
// element offset in the space. Throws nw::Error naming the piece when an offset is negative, a
// piece runs past the space, or two pieces overlap: a layout that disagrees with these shapes.
std::vector<RnnWeightCopy> rnn_weight_copies(
    const RnnShape& s, const std::function<int64_t(const RnnWeightPiece&)>& offset_of,
    int64_t space_numel);

}  // namespace nw
