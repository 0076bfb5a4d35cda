#include "backend/rnn_weight_layout.h"

#include <algorithm>
#include <map>

#include "tensor/errors.h"

namespace nw {

namespace {

std::string suffix(int64_t layer, int direction) {
  return "_l" + std::to_string(layer) + (direction == 1 ? "_reverse" : "");
}

void check_shape(const RnnShape& s) {
  if (s.layers < 1 || s.input_size < 1 || s.hidden_size < 1)
    throw Error("RNN weight layout: layers, input_size and hidden_size must be at least 1, got " +
                std::to_string(s.layers) + ", " + std::to_string(s.input_size) + ", " +
                std::to_string(s.hidden_size));
  const bool projected = s.proj_size != 0;
  if (projected && (s.proj_size < 0 || s.mode != RnnMode::Lstm || s.proj_size >= s.hidden_size))
    throw Error("RNN weight layout: proj_size " + std::to_string(s.proj_size) +
                " needs an LSTM and must lie below hidden_size " + std::to_string(s.hidden_size));
}

}  // namespace

int64_t rnn_gate_count(RnnMode mode) {
  switch (mode) {
    case RnnMode::Lstm:
      return 4;
    case RnnMode::Gru:
      return 3;
    case RnnMode::RnnTanh:
    case RnnMode::RnnRelu:
      return 1;
  }
  return 1;
}

std::vector<RnnParamShape> torch_rnn_params(const RnnShape& s) {
  check_shape(s);
  const int64_t g = rnn_gate_count(s.mode), h = s.hidden_size;
  const int64_t out = s.proj_size > 0 ? s.proj_size : h;  // what a layer hands on, per direction
  const int dirs = s.bidirectional ? 2 : 1;
  std::vector<RnnParamShape> out_params;
  for (int64_t layer = 0; layer < s.layers; ++layer)
    for (int d = 0; d < dirs; ++d) {
      const std::string sfx = suffix(layer, d);
      const int64_t in = layer == 0 ? s.input_size : out * dirs;
      out_params.push_back({"weight_ih" + sfx, g * h, in});
      out_params.push_back({"weight_hh" + sfx, g * h, out});
      if (s.bias) {
        out_params.push_back({"bias_ih" + sfx, g * h, 1});
        out_params.push_back({"bias_hh" + sfx, g * h, 1});
      }
      if (s.proj_size > 0) out_params.push_back({"weight_hr" + sfx, s.proj_size, h});
    }
  return out_params;
}

std::vector<RnnWeightPiece> cudnn_weight_pieces(const RnnShape& s) {
  const std::vector<RnnParamShape> params = torch_rnn_params(s);
  const int64_t g = rnn_gate_count(s.mode), h = s.hidden_size;
  const int dirs = s.bidirectional ? 2 : 1;
  std::vector<RnnWeightPiece> pieces;
  size_t next = 0;  // params come in the same (layer, direction) order
  for (int64_t layer = 0; layer < s.layers; ++layer)
    for (int d = 0; d < dirs; ++d) {
      const int pseudo = static_cast<int>(layer * dirs + d);
      const RnnParamShape& w_ih = params[next++];
      const RnnParamShape& w_hh = params[next++];
      std::vector<RnnWeightPiece> biases;
      for (int64_t gate = 0; gate < g; ++gate) {
        const int in_id = static_cast<int>(gate), rec_id = static_cast<int>(g + gate);
        pieces.push_back({w_ih.name, gate * h, h, w_ih.cols, pseudo, in_id, false});
        pieces.push_back({w_hh.name, gate * h, h, w_hh.cols, pseudo, rec_id, false});
      }
      if (s.bias) {
        const RnnParamShape& b_ih = params[next++];
        const RnnParamShape& b_hh = params[next++];
        for (int64_t gate = 0; gate < g; ++gate) {
          biases.push_back({b_ih.name, gate * h, h, 1, pseudo, static_cast<int>(gate), true});
          biases.push_back({b_hh.name, gate * h, h, 1, pseudo, static_cast<int>(g + gate), true});
        }
      }
      if (s.proj_size > 0) {
        const RnnParamShape& w_hr = params[next++];
        pieces.push_back({w_hr.name, 0, w_hr.rows, w_hr.cols, pseudo, 8, false});
      }
      pieces.insert(pieces.end(), biases.begin(), biases.end());
    }
  // Within a pseudo-layer: matrices, then biases, each by linear layer id.
  std::stable_sort(pieces.begin(), pieces.end(), [](const auto& a, const auto& b) {
    if (a.pseudo_layer != b.pseudo_layer) return a.pseudo_layer < b.pseudo_layer;
    if (a.is_bias != b.is_bias) return !a.is_bias;
    return a.lin_layer_id < b.lin_layer_id;
  });
  return pieces;
}

std::vector<RnnWeightCopy> rnn_weight_copies(
    const RnnShape& s, const std::function<int64_t(const RnnWeightPiece&)>& offset_of,
    int64_t space_numel) {
  const std::vector<RnnParamShape> params = torch_rnn_params(s);
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < params.size(); ++i) index[params[i].name] = i;
  std::vector<RnnWeightCopy> copies;
  std::map<int64_t, const RnnWeightPiece*> taken;  // space offset -> piece, to find overlaps
  const std::vector<RnnWeightPiece> pieces = cudnn_weight_pieces(s);
  for (const RnnWeightPiece& p : pieces) {
    const std::string what = p.param + " rows " + std::to_string(p.row) + "-" +
                             std::to_string(p.row + p.rows - 1) + " (pseudo-layer " +
                             std::to_string(p.pseudo_layer) + ", linear layer " +
                             std::to_string(p.lin_layer_id) + (p.is_bias ? " bias" : "") + ")";
    const int64_t at = offset_of(p);
    if (at < 0 || at + p.numel() > space_numel)
      throw Error("RNN weight space: " + what + " is reported at element " + std::to_string(at) +
                  ", outside a space of " + std::to_string(space_numel) +
                  " elements; the cuDNN descriptor disagrees with the layer's sizes");
    if (auto after = taken.lower_bound(at); after != taken.end() && after->first < at + p.numel())
      throw Error("RNN weight space: " + what + " overlaps " + after->second->param +
                  "; the cuDNN descriptor disagrees with the layer's sizes");
    if (auto before = taken.lower_bound(at); before != taken.begin()) {
      --before;
      if (before->first + before->second->numel() > at)
        throw Error("RNN weight space: " + what + " overlaps " + before->second->param +
                    "; the cuDNN descriptor disagrees with the layer's sizes");
    }
    taken[at] = &p;
    copies.push_back({index.at(p.param), p.param_offset(), at, p.numel()});
  }
  return copies;
}

}  // namespace nw
