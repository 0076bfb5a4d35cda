// Import rule of LSTM and GRU as PyTorch's exporter writes a batch-first nn.LSTM / nn.GRU:
//   Transpose(1, 0, 2) -> LSTM -> Squeeze(1) [-> LSTM -> Squeeze(1) ...] -> Transpose(1, 0, 2)
// one ONNX node per layer, zero initial states (ConstantOfShape, sliced), and for the final
// hidden state of the last layer, h_n[-1]: Gather(axis 0, -1) on Y_h (or on the Concat of every
// layer's Y_h), or Squeeze(0) on the last layer's Y_h as Netwright writes it. ONNX orders the gates
// i, o, f, c (LSTM) and z, r, h (GRU); PyTorch i, f, g, o and r, z, n, and keeps W, R, B per layer
// as weight_ih_l<k>, weight_hh_l<k>, bias_ih_l<k>, bias_hh_l<k>.
#include "graph/onnx_import_rules.h"
#include "tensor/creation.h"

namespace nw::graph::onnx_import {

namespace {

bool is_perm_102(const OnnxNode* n) {
  return n && n->op == "Transpose" && n->get_ints("perm", {}) == std::vector<int64_t>{1, 0, 2};
}

bool squeezes(const OnnxImporting& onnx, const OnnxNode* n, int64_t axis) {
  if (!n || n->op != "Squeeze") return false;
  const auto axes = n->inputs.size() > 1 ? onnx.constant(n->input(1)) : std::nullopt;
  return axes && axes->is_int && axes->ints == std::vector<int64_t>{axis};
}

// Rows of a (1, gates * H, cols) ONNX matrix, its gate blocks put in PyTorch's order.
Tensor torch_gates(const OnnxConstant& c, int64_t hidden, const std::vector<int>& order,
                   int64_t first = 0) {
  const int64_t gates = static_cast<int64_t>(order.size());
  const int64_t cols = c.dims.size() == 3 ? c.dims[2] : 1;
  std::vector<float> out;
  out.reserve(gates * hidden * cols);
  for (int g : order) {
    const int64_t start = (first + g * hidden) * cols;
    out.insert(out.end(), c.floats.begin() + start, c.floats.begin() + start + hidden * cols);
  }
  return c.dims.size() == 3 ? from_vector<float>(out, {gates * hidden, cols})
                            : from_vector<float>(out, {gates * hidden});
}

bool recurrent_rule(OnnxImporting& onnx, const std::string& op) {
  const OnnxNode& first = onnx.node();
  if (!is_perm_102(&first)) return false;
  const OnnxNode* rnn = onnx_sole_consumer(onnx, first.outputs[0]);
  if (!rnn || rnn->op != op || rnn->input(0) != first.outputs[0]) return false;
  // PyTorch's gate order, as indices of ONNX's gate blocks.
  const std::vector<int> order =
      op == "LSTM" ? std::vector<int>{0, 2, 3, 1} : std::vector<int>{1, 0, 2};
  const auto gates = static_cast<int64_t>(order.size());
  const int64_t hidden = rnn->get_int("hidden_size", 0);
  const bool bias = !rnn->input(3).empty();
  OnnxClaim c{.type = op, .inputs = {first.input(0)}, .outputs = {"", ""}, .nodes = {&first}};
  std::vector<std::string> hiddens;  // Y_h per layer
  std::string sequence;
  for (int64_t layer = 0; rnn; ++layer) {
    if (rnn->get_string("direction", "forward") != "forward" || rnn->has("activations") ||
        rnn->has("clip") || rnn->get_int("layout", 0) != 0 ||
        rnn->get_int("input_forget", 0) != 0 || rnn->get_int("hidden_size", 0) != hidden ||
        (op == "GRU" && rnn->get_int("linear_before_reset", 0) != 1) || !rnn->input(4).empty() ||
        !rnn->input(7).empty() || bias == rnn->input(3).empty())
      return false;
    for (size_t k = 5; k < rnn->inputs.size() && k < 7; ++k)
      if (!rnn->input(k).empty() && !onnx.is_zeros(rnn->input(k))) return false;
    auto w = onnx.constant(rnn->input(1)), r = onnx.constant(rnn->input(2));
    if (!w || !r || w->is_int || r->is_int || w->dims.size() != 3 || r->dims.size() != 3 ||
        w->dims[0] != 1 || w->dims[1] != gates * hidden ||
        r->dims != Shape{1, gates * hidden, hidden})
      return false;
    const std::string l = "_l" + std::to_string(layer);
    c.weights.emplace_back("weight_ih" + l, torch_gates(*w, hidden, order));
    c.weights.emplace_back("weight_hh" + l, torch_gates(*r, hidden, order));
    if (bias) {
      auto b = onnx.constant(rnn->input(3));
      if (!b || b->is_int || b->numel() != 2 * gates * hidden) return false;
      c.weights.emplace_back("bias_ih" + l, torch_gates(*b, hidden, order));
      c.weights.emplace_back("bias_hh" + l, torch_gates(*b, hidden, order, gates * hidden));
    }
    c.nodes.push_back(rnn);
    hiddens.push_back(rnn->outputs.size() > 1 ? rnn->outputs[1] : "");
    // Y (T, 1, N, H) -> Squeeze(1) -> the next layer, or the last Transpose, or unread.
    const OnnxNode* squeeze = onnx_sole_consumer(onnx, rnn->outputs[0]);
    rnn = nullptr;
    if (!squeeze) {
      if (!onnx.consumers(c.nodes.back()->outputs[0]).empty()) return false;
      continue;
    }
    if (!squeezes(onnx, squeeze, 1)) return false;
    c.nodes.push_back(squeeze);
    const OnnxNode* next = onnx_sole_consumer(onnx, squeeze->outputs[0]);
    if (next && next->op == op && next->input(0) == squeeze->outputs[0]) {
      rnn = next;
    } else if (is_perm_102(next)) {
      c.nodes.push_back(next);
      c.outputs[0] = next->outputs[0];
    } else if (!onnx.consumers(squeeze->outputs[0]).empty()) {
      return false;
    }
  }
  // h_n[-1]: the last layer's Y_h, through the Concat of all layers' when there are several.
  const auto layers = static_cast<int64_t>(hiddens.size());
  std::string h_n = hiddens.back();
  if (layers > 1) {
    const OnnxNode* cat = onnx_sole_consumer(onnx, hiddens.front());
    if (cat && cat->op == "Concat" && cat->inputs == hiddens && cat->get_int("axis", 0) == 0) {
      c.nodes.push_back(cat);
      h_n = cat->outputs[0];
    }
  }
  for (const OnnxNode* g : onnx.consumers(h_n)) {
    const auto idx = onnx.constant(g->input(1));
    if (g->op == "Gather" && g->input(0) == h_n && g->get_int("axis", 0) == 0 && idx &&
        idx->is_int && idx->dims.empty() && (idx->ints[0] == -1 || idx->ints[0] == layers - 1)) {
      c.nodes.push_back(g);
      c.outputs[1] = g->outputs[0];
      break;
    }
    if (h_n == hiddens.back() && squeezes(onnx, g, 0)) {
      c.nodes.push_back(g);
      c.outputs[1] = g->outputs[0];
      break;
    }
  }
  c.params = {{"hidden_size", hidden}, {"num_layers", layers}, {"bias", bias}};
  return onnx.claim(std::move(c));
}

}  // namespace

Rules recurrent(const std::string& op) {
  return {{{"Transpose"}, [op](OnnxImporting& onnx) { return recurrent_rule(onnx, op); }}};
}

}  // namespace nw::graph::onnx_import
