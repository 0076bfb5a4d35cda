// Activation layers: elementwise functions that keep the shape, and Softmax / LogSoftmax over one
// dimension.
#include "graph/builtin_layers.h"
#include "graph/builtin_onnx_rules.h"
#include "graph/onnx_import_rules.h"
#include "graph/torch_code_rule.h"
#include "nn/layers/activation.h"

namespace nw::graph {

namespace {

std::vector<SampleShape> same_shape(ShapeContext& ctx) {
  return {ctx.inputs[0]};
}

// The ONNX ops each activation is imported from (set by elementwise(), which builds them all).
std::vector<OnnxImportRule> onnx_import_of(const std::string& name) {
  using namespace onnx_import;
  static const std::map<std::string, std::function<Rules()>> rules = {
      {"ReLU", [] { return simple_activation("Relu", "ReLU"); }},
      {"LeakyReLU",
       [] { return simple_activation("LeakyRelu", "LeakyReLU", "alpha", "negative_slope"); }},
      {"ELU", [] { return simple_activation("Elu", "ELU", "alpha", "alpha"); }},
      {"GELU", gelu},
      {"SiLU", silu},
      {"Sigmoid", [] { return simple_activation("Sigmoid", "Sigmoid"); }},
      {"Tanh", [] { return simple_activation("Tanh", "Tanh"); }},
      {"Softmax", [] { return softmax("Softmax", "Softmax"); }},
      {"LogSoftmax", [] { return softmax("LogSoftmax", "LogSoftmax"); }}};
  auto it = rules.find(name);
  return it == rules.end() ? Rules{} : it->second();
}

// An activation that keeps its input's shape.
LayerType elementwise(std::string name, std::string description, std::vector<ParamSpec> params,
                      Factory make, OnnxExportRule onnx_export, TorchCodeRule torch_code) {
  std::vector<OnnxImportRule> import = onnx_import_of(name);  // before `name` is moved
  return {.name = std::move(name),
          .category = "Activation",
          .description = std::move(description),
          .params = std::move(params),
          .inputs = {{"input", "(N, *)"}},
          .outputs = {{"output", "the input's shape"}},
          .shape = same_shape,
          .make = std::move(make),
          .onnx_export = std::move(onnx_export),
          .onnx_import = std::move(import),
          .torch_code = std::move(torch_code)};
}

// The activation as a function of its input: "torch.relu(x)", "F.elu(x, 1.0)",
// "torch.softmax(x, dim=1)", "F.gelu(x)". After the input come the parameters `args`
// (positional), `keywords` (always: F.softmax's dim has no sound default) and `optional` (when
// not their defaults).
TorchCodeRule call(std::string function, std::vector<std::string> args = {},
                   std::vector<std::string> keywords = {}, std::vector<std::string> optional = {}) {
  return torch_function([=](const TorchWriting& c) {
    std::string out = function + "(" + c.input(0);
    for (const std::string& a : args) out += ", " + c.arg(a);
    for (const std::string& k : keywords) out += ", " + k + "=" + c.arg(k);
    return out + c.keywords(optional) + ")";
  });
}

ParamSpec float_spec(std::string name, double def, std::string description) {
  return {.name = std::move(name),
          .kind = ParamKind::Float,
          .default_value = def,
          .description = std::move(description)};
}

ParamSpec dim_spec() {
  return {.name = "dim",
          .kind = ParamKind::Int,
          .default_value = 1,
          .description = "dimension that sums to 1; 1 is the first after the batch, -1 the last"};
}

// Softmax's dim must name a sample dimension: over the batch (dim 0) it would mix samples.
std::vector<SampleShape> softmax_shape(ShapeContext& ctx) {
  const SampleShape& s = ctx.inputs[0];
  const int64_t rank = static_cast<int64_t>(s.size()) + 1, dim = ctx.get_int("dim");
  const int64_t d = dim < 0 ? dim + rank : dim;
  if (s.empty())
    throw ShapeRuleError("expects at least one feature dimension, gets " + format_shape(s) +
                             "; put it after a layer with features, e.g. Linear",
                         0);
  if (d < 0 || d >= rank)
    throw ShapeRuleError("dim " + std::to_string(dim) + " is out of range for input " +
                         format_shape(s) + "; use a dim from 1 to " + std::to_string(rank - 1) +
                         " (or -1 for the last)");
  if (d == 0)
    throw ShapeRuleError("dim " + std::to_string(dim) +
                         " is the batch dimension, which would mix samples; use 1 (or -1 for the "
                         "last dimension)");
  return {s};
}

}  // namespace

void register_activation_layers(Registry& r) {
  r.add(elementwise(
      "ReLU", "Rectified linear unit: max(0, x)", {},
      [](const ParamMap&) -> nn::ModulePtr { return std::make_shared<nn::ReLU>(); },
      onnx_rules::unary("Relu"), call("torch.relu")));
  r.add(elementwise(
      "LeakyReLU", "ReLU that keeps a small slope for negative inputs",
      {float_spec("negative_slope", 0.01, "slope for negative inputs")},
      [](const ParamMap& p) -> nn::ModulePtr {
        return std::make_shared<nn::LeakyReLU>(p.at("negative_slope").get<double>());
      },
      onnx_rules::leaky_relu, call("F.leaky_relu", {"negative_slope"})));
  r.add(elementwise(
      "ELU", "Exponential linear unit: x above 0, alpha * (exp(x) - 1) below",
      {float_spec("alpha", 1.0, "the value approached for very negative inputs")},
      [](const ParamMap& p) -> nn::ModulePtr {
        return std::make_shared<nn::ELU>(p.at("alpha").get<double>());
      },
      onnx_rules::elu, call("F.elu", {"alpha"})));
  r.add(elementwise(
      "GELU", "Gaussian error linear unit: x * Phi(x), as in transformers",
      {{.name = "approximate",
        .kind = ParamKind::Choice,
        .default_value = "none",
        .description = "\"none\": exact; \"tanh\": the tanh approximation",
        .choices = {"none", "tanh"}}},
      [](const ParamMap& p) -> nn::ModulePtr {
        return std::make_shared<nn::GELU>(p.at("approximate").get<std::string>());
      },
      onnx_rules::gelu, call("F.gelu", {}, {}, {"approximate"})));
  r.add(elementwise(
      "SiLU", "Sigmoid linear unit (swish): x * sigmoid(x)", {},
      [](const ParamMap&) -> nn::ModulePtr { return std::make_shared<nn::SiLU>(); },
      onnx_rules::silu, call("F.silu")));
  r.add(elementwise(
      "Sigmoid", "Logistic function 1 / (1 + exp(-x)), into (0, 1)", {},
      [](const ParamMap&) -> nn::ModulePtr { return std::make_shared<nn::Sigmoid>(); },
      onnx_rules::unary("Sigmoid"), call("torch.sigmoid")));
  r.add(elementwise(
      "Tanh", "Hyperbolic tangent, into (-1, 1)", {},
      [](const ParamMap&) -> nn::ModulePtr { return std::make_shared<nn::Tanh>(); },
      onnx_rules::unary("Tanh"), call("torch.tanh")));

  LayerType softmax = elementwise(
      "Softmax", "Probabilities: exp(x) normalized to sum to 1 along dim", {dim_spec()},
      [](const ParamMap& p) -> nn::ModulePtr {
        return std::make_shared<nn::Softmax>(p.at("dim").get<int64_t>());
      },
      onnx_rules::softmax, call("torch.softmax", {}, {"dim"}));
  softmax.shape = softmax_shape;
  r.add(std::move(softmax));
  LayerType log_softmax = elementwise(
      "LogSoftmax", "Log of Softmax along dim, computed stably (pairs with NLLLoss)", {dim_spec()},
      [](const ParamMap& p) -> nn::ModulePtr {
        return std::make_shared<nn::LogSoftmax>(p.at("dim").get<int64_t>());
      },
      onnx_rules::log_softmax, call("F.log_softmax", {}, {"dim"}));
  log_softmax.shape = softmax_shape;
  r.add(std::move(log_softmax));
}

}  // namespace nw::graph
