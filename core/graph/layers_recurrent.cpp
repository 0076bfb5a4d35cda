// Recurrent layers: LSTM and GRU. The graph is always batch first, so the modules are built with
// batch_first=true and the entries do not offer it; bidirectional is not offered because nn does
// not support it yet. Two outputs: the whole output sequence, and the last layer's final hidden
// state (what a classifier on a sequence usually reads).
#include "graph/builtin_layers.h"
#include "graph/builtin_onnx_rules.h"
#include "graph/onnx_import_rules.h"
#include "graph/torch_code_rule.h"
#include "nn/layers/rnn.h"

namespace nw::graph {

namespace {

std::vector<ParamSpec> rnn_specs() {
  return {{.name = "input_size",
           .kind = ParamKind::Int,
           .description = "features per time step: the last dimension of the input",
           .min = 1,
           .inferred = true},
          {.name = "hidden_size",
           .kind = ParamKind::Int,
           .description = "features of the hidden state",
           .min = 1},
          {.name = "num_layers",
           .kind = ParamKind::Int,
           .default_value = 1,
           .description = "recurrent layers stacked on each other",
           .min = 1},
          {.name = "bias",
           .kind = ParamKind::Bool,
           .default_value = true,
           .description = "learn the biases b_ih and b_hh"},
          {.name = "dropout",
           .kind = ParamKind::Float,
           .default_value = 0.0,
           .description = "dropout on the outputs of each layer but the last (training only)",
           .min = 0,
           .max = 1}};
}

std::vector<SampleShape> rnn_shape(ShapeContext& ctx) {
  const SampleShape& s = ctx.inputs[0];
  if (s.size() != 2)
    throw ShapeRuleError("expects (N, T, input_size) input (batch first), gets " + format_shape(s) +
                             (s.size() < 2 ? "; put an Unflatten before it to split the features "
                                             "into time steps, e.g. (28, 28)"
                                           : "; Reshape it to (T, features), e.g. [28, 28]"),
                         0);
  ctx.infer("input_size", s[1], "features per step");
  const int64_t hidden = ctx.get_int("hidden_size");
  return {{s[0], hidden}, {hidden}};
}

template <typename Rnn>
nn::ModulePtr make_rnn(const ParamMap& p) {
  return std::make_shared<Rnn>(p.at("input_size").get<int64_t>(),
                               p.at("hidden_size").get<int64_t>(),
                               p.at("num_layers").get<int64_t>(), p.at("bias").get<bool>(),
                               /*batch_first=*/true, p.at("dropout").get<double>());
}

// {output (N, T, H), h_n of the last layer (N, H)}.
std::vector<Tensor> run_rnn(nn::Module& m, const std::vector<Tensor>& inputs) {
  auto& rnn = dynamic_cast<nn::RNNBase&>(m);
  nn::RnnOutput r = rnn.forward(inputs.at(0), Tensor(), Tensor());
  return {r.output, r.h_n.select(0, rnn.num_layers() - 1)};
}

// Per step and layer, each gate multiplies the layer input and the hidden state by its weights.
MacsRule rnn_macs(int64_t gates) {
  return [gates](const ShapeContext& ctx, const std::vector<SampleShape>& out) {
    const int64_t steps = out[0][0], in = ctx.get_int("input_size"),
                  hidden = ctx.get_int("hidden_size"), layers = ctx.get_int("num_layers");
    const int64_t per_step = gates * hidden * ((in + hidden) + (layers - 1) * 2 * hidden);
    return steps * per_step;
  };
}

// Per layer: weight_ih (gates * H, input), weight_hh (gates * H, H) and, with bias, b_ih and
// b_hh (gates * H); the input of layer 0 is input_size, of the others the hidden state.
ParamCountRule rnn_count(int64_t gates) {
  return [gates](const ParamMap& p) {
    const int64_t in = p.at("input_size").get<int64_t>(),
                  hidden = p.at("hidden_size").get<int64_t>(),
                  layers = p.at("num_layers").get<int64_t>();
    const int64_t biases = p.at("bias").get<bool>() ? 2 * gates * hidden : 0;
    int64_t n = 0;
    for (int64_t l = 0; l < layers; ++l)
      n += gates * hidden * ((l == 0 ? in : hidden) + hidden) + biases;
    return n;
  };
}

// PyTorch's LSTM/GRU return (output, h_n) (LSTM: (output, (h_n, c_n))); the node's outputs are
// the output sequence and h_n of the last layer.
TorchCodeRule rnn_torch(std::string cls) {
  return [cls](TorchWriting& code) {
    code.set_module(cls + "(" + code.arg("input_size") + ", " + code.arg("hidden_size") +
                    code.keywords({"num_layers", "bias"}) + ", batch_first=True" +
                    code.keywords({"dropout"}) + ")");
    const std::string call = code.module() + "(" + code.input(0) + ")";
    if (code.output(1) == "_") {
      code.add_line(code.output(0) + ", _ = " + call);
      return;
    }
    const std::string h_n = code.temporary(code.node_id() + "_h_n");
    code.add_line(code.output(0) + ", " + (cls == "nn.LSTM" ? "(" + h_n + ", _)" : h_n) + " = " +
                  call);
    code.add_line(code.output(1) + " = " + h_n + "[-1]");
  };
}

}  // namespace

void register_recurrent_layers(Registry& r) {
  const std::vector<PortSpec> inputs = {{"input", "(N, T, input_size)"}};
  const std::vector<PortSpec> outputs = {
      {"output", "(N, T, hidden_size): the last layer's hidden state at every step"},
      {"hidden", "(N, hidden_size): the last layer's hidden state after the last step"}};
  r.add({
      .name = "LSTM",
      .category = "Recurrent",
      .description = "Long short-term memory over a sequence (batch first)",
      .params = rnn_specs(),
      .inputs = inputs,
      .outputs = outputs,
      .shape = rnn_shape,
      .make = make_rnn<nn::LSTM>,
      .run = run_rnn,
      .macs = rnn_macs(4),
      .count = rnn_count(4),
      .onnx_export = onnx_rules::lstm,
      .onnx_import = onnx_import::recurrent("LSTM"),
      .torch_code = rnn_torch("nn.LSTM"),
  });
  r.add({
      .name = "GRU",
      .category = "Recurrent",
      .description = "Gated recurrent unit over a sequence (batch first)",
      .params = rnn_specs(),
      .inputs = inputs,
      .outputs = outputs,
      .shape = rnn_shape,
      .make = make_rnn<nn::GRU>,
      .run = run_rnn,
      .macs = rnn_macs(3),
      .count = rnn_count(3),
      .onnx_export = onnx_rules::gru,
      .onnx_import = onnx_import::recurrent("GRU"),
      .torch_code = rnn_torch("nn.GRU"),
  });
}

}  // namespace nw::graph
