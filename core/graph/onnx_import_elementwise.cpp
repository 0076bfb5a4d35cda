// Import rules of the activations and LayerNorm, including the decompositions exporters write
// for ops that older opsets lack: GELU (Erf and Tanh forms), SiLU (x * Sigmoid(x)) and
// LayerNorm at opset 13.
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "graph/onnx_import_rules.h"
#include "tensor/creation.h"

namespace nw::graph::onnx_import {

namespace {

OnnxClaim one_node(const OnnxNode& n, std::string type, ParamMap params = {}) {
  return {.type = std::move(type),
          .params = std::move(params),
          .inputs = {n.input(0)},
          .outputs = {n.outputs[0]},
          .nodes = {&n}};
}

// An elementwise function of one value x, built from scalar constants: the nodes after x, in
// graph order, each reading only x, constants and nodes already in it.
struct Region {
  std::string x;
  std::vector<const OnnxNode*> nodes;
};

double eval_op(const std::string& op, double a, double b) {
  if (op == "Add") return a + b;
  if (op == "Sub") return a - b;
  if (op == "Mul") return a * b;
  if (op == "Div") return a / b;
  if (op == "Pow") return std::pow(a, b);
  if (op == "Erf") return std::erf(a);
  if (op == "Tanh") return std::tanh(a);
  if (op == "Sigmoid") return 1 / (1 + std::exp(-a));
  return std::sqrt(a);  // Sqrt
}

// The region's last value at x, or NaN when a constant is not a scalar.
double eval_region(const OnnxImporting& onnx, const Region& r, double x) {
  std::map<std::string, double> v{{r.x, x}};
  double last = NAN;
  for (const OnnxNode* n : r.nodes) {
    double in[2] = {0, 0};
    for (size_t k = 0; k < n->inputs.size() && k < 2; ++k) {
      auto it = v.find(n->inputs[k]);
      if (it != v.end()) {
        in[k] = it->second;
        continue;
      }
      auto c = onnx.constant(n->inputs[k]);
      if (!c || c->numel() != 1) return NAN;
      in[k] = c->at(0);
    }
    last = v[n->outputs[0]] = eval_op(n->op, in[0], in[1]);
  }
  return last;
}

// Grows the region from the node under consideration until its last value equals `f` at sample
// points; returns the claim, or false.
bool claim_function(OnnxImporting& onnx, const std::string& type, ParamMap params,
                    const std::function<double(double)>& f) {
  static const std::set<std::string> ops = {"Add", "Sub",  "Mul",     "Div", "Pow",
                                            "Erf", "Tanh", "Sigmoid", "Sqrt"};
  Region r{onnx_data_input(onnx, onnx.node()), {}};
  if (r.x.empty()) return false;
  std::set<std::string> inside{r.x};
  for (int step = 0; step < 12; ++step) {
    // The earliest node that reads only x, constants and the region.
    const OnnxNode* next = nullptr;
    for (const std::string& v : inside)
      for (const OnnxNode* c : onnx.consumers(v)) {
        if (onnx.is_claimed(*c) || !ops.count(c->op) || c->outputs.size() != 1) continue;
        if (std::find(r.nodes.begin(), r.nodes.end(), c) != r.nodes.end()) continue;
        bool reads_region = true;
        for (const std::string& in : c->inputs)
          if (!inside.count(in) && !onnx.constant(in)) reads_region = false;
        if (reads_region && (!next || c->index < next->index)) next = c;
      }
    if (!next || (r.nodes.empty() && next != &onnx.node())) return false;
    r.nodes.push_back(next);
    inside.insert(next->outputs[0]);
    bool equal = true;
    for (double x = -4; x <= 4 && equal; x += 0.5) {
      const double got = eval_region(onnx, r, x), want = f(x);
      equal = std::abs(got - want) <= 1e-5 * (1 + std::abs(want));
    }
    if (!equal) continue;
    // Only the last value may be read outside the region.
    for (size_t k = 0; k + 1 < r.nodes.size(); ++k) {
      if (onnx.is_graph_output(r.nodes[k]->outputs[0])) return false;
      for (const OnnxNode* c : onnx.consumers(r.nodes[k]->outputs[0]))
        if (std::find(r.nodes.begin(), r.nodes.end(), c) == r.nodes.end()) return false;
    }
    return onnx.claim({.type = type,
                       .params = std::move(params),
                       .inputs = {r.x},
                       .outputs = {r.nodes.back()->outputs[0]},
                       .nodes = {r.nodes.begin(), r.nodes.end()}});
  }
  return false;
}

double gelu_erf(double x) {
  return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
}
double gelu_tanh(double x) {
  return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
}

// The next node of a decomposition: the consumer of `value` with op `op`.
const OnnxNode* next_op(const OnnxImporting& onnx, const std::string& value, const char* op) {
  for (const OnnxNode* c : onnx.consumers(value))
    if (c->op == op && !onnx.is_claimed(*c)) return c;
  return nullptr;
}

}  // namespace

// ReduceMean, Sub, Pow(2) (or the square as a Mul), ReduceMean, Add(eps), Sqrt, Div, then
// Mul(weight) and Add(bias). Over the trailing dims: LayerNorm at opset 13. Over every dim but
// the channels: a BatchNorm that uses the batch's statistics (no running statistics), as
// Netwright exports it.
bool normalization_decomposition(OnnxImporting& onnx, bool over_batch) {
  const OnnxNode& mean = onnx.node();
  const std::string x = mean.input(0);
  const auto s = onnx.shape(x);
  const auto axes = mean.get_ints("axes", {});
  if (!s || axes.empty() || mean.get_int("keepdims", 1) != 1 || mean.inputs.size() != 1)
    return false;
  const auto rank = static_cast<int64_t>(s->size()), k = static_cast<int64_t>(axes.size());
  for (int64_t i = 0; i < k; ++i) {
    const int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
    if (axis != (over_batch ? (i == 0 ? 0 : i + 1) : rank - k + i)) return false;
  }
  if (over_batch && (k != rank - 1 || rank < 2 || rank > 4)) return false;
  const OnnxNode* sub = next_op(onnx, mean.outputs[0], "Sub");
  if (!sub || sub->input(0) != x) return false;
  const OnnxNode* pow = next_op(onnx, sub->outputs[0], "Pow");
  if (pow && !onnx_is_scalar(onnx, pow->input(1), 2)) return false;
  if (!pow) pow = next_op(onnx, sub->outputs[0], "Mul");
  if (!pow || (pow->op == "Mul" && pow->input(1) != pow->input(0))) return false;
  const OnnxNode* var = next_op(onnx, pow->outputs[0], "ReduceMean");
  if (!var || var->get_ints("axes", {}) != axes) return false;
  const OnnxNode* add = next_op(onnx, var->outputs[0], "Add");
  const auto eps = add ? onnx.constant(add->input(1)) : std::nullopt;
  if (!eps || eps->numel() != 1) return false;
  const OnnxNode* sqrt = next_op(onnx, add->outputs[0], "Sqrt");
  const OnnxNode* div = sqrt ? next_op(onnx, sqrt->outputs[0], "Div") : nullptr;
  if (!div || div->input(0) != sub->outputs[0] || onnx.consumers(sub->outputs[0]).size() != 2)
    return false;
  const Shape normalized = over_batch ? Shape{(*s)[1]} : Shape(s->end() - k, s->end());
  int64_t features = 1;
  for (int64_t d : normalized) features *= d;
  OnnxClaim c{.type = over_batch ? (rank == 4 ? "BatchNorm2d" : "BatchNorm1d") : "LayerNorm",
              .params = {{"eps", tidy(eps->at(0))}},
              .inputs = {x},
              .outputs = {div->outputs[0]},
              .nodes = {&mean, sub, pow, var, add, sqrt, div}};
  const char* affine_param = over_batch ? "affine" : "elementwise_affine";
  if (over_batch)
    c.params["track_running_stats"] = false;
  else
    c.params["normalized_shape"] = normalized;
  auto affine = [&](const char* op, const char* name) {
    const OnnxNode* n = onnx_sole_consumer(onnx, c.outputs[0]);
    if (!n || n->op != op) return false;
    const std::string other = n->input(0) == c.outputs[0] ? n->input(1) : n->input(0);
    auto v = onnx.constant(other);
    if (!v || v->is_int || v->numel() != features) return false;
    v->dims = normalized;
    c.weights.emplace_back(name, onnx_tensor(*v));
    c.outputs = {n->outputs[0]};
    c.nodes.push_back(n);
    return true;
  };
  if (!affine("Mul", "weight")) {
    c.params[affine_param] = false;
  } else if (!affine("Add", "bias")) {
    c.weights.emplace_back("bias", zeros(normalized));
  }
  return onnx.claim(std::move(c));
}

namespace {

bool layer_normalization(OnnxImporting& onnx) {
  const OnnxNode& n = onnx.node();
  const auto s = onnx.shape(n.input(0));
  if (!s) return false;
  const auto rank = static_cast<int64_t>(s->size());
  int64_t axis = n.get_int("axis", -1);
  axis = axis < 0 ? axis + rank : axis;
  if (axis < 1 || axis >= rank) return false;
  for (size_t k = 1; k < n.outputs.size(); ++k)
    if (!onnx.consumers(n.outputs[k]).empty()) return false;
  const Shape normalized(s->begin() + axis, s->end());
  int64_t features = 1;
  for (int64_t d : normalized) features *= d;
  auto scale = onnx.constant(n.input(1));
  if (!scale || scale->is_int || scale->numel() != features) return false;
  scale->dims = normalized;
  OnnxClaim c =
      one_node(n, "LayerNorm",
               {{"normalized_shape", normalized}, {"eps", tidy(n.get_float("epsilon", 1e-5))}});
  c.weights = {{"weight", onnx_tensor(*scale)}, {"bias", zeros(normalized)}};
  if (!n.input(2).empty()) {
    auto bias = onnx.constant(n.input(2));
    if (!bias || bias->is_int || bias->numel() != features) return false;
    bias->dims = normalized;
    c.weights[1].second = onnx_tensor(*bias);
  }
  return onnx.claim(std::move(c));
}

}  // namespace

Rules simple_activation(const std::string& op, const std::string& type, const std::string& attr,
                        const std::string& param) {
  return {{{op}, [=](OnnxImporting& onnx) {
             const OnnxNode& n = onnx.node();
             if (onnx.constant(n.input(0))) return false;
             ParamMap params;
             if (!attr.empty() && n.has(attr)) params[param] = tidy(n.get_float(attr, 0));
             return onnx.claim(one_node(n, type, std::move(params)));
           }}};
}

Rules gelu() {
  return {{{"Gelu"},
           [](OnnxImporting& onnx) {
             const OnnxNode& n = onnx.node();
             return onnx.claim(
                 one_node(n, "GELU", {{"approximate", n.get_string("approximate", "none")}}));
           }},
          {{"Div", "Mul", "Pow"}, [](OnnxImporting& onnx) {
             return claim_function(onnx, "GELU", {{"approximate", "none"}}, gelu_erf) ||
                    claim_function(onnx, "GELU", {{"approximate", "tanh"}}, gelu_tanh);
           }}};
}

Rules silu() {
  return {{{"Sigmoid"}, [](OnnxImporting& onnx) {
             return claim_function(onnx, "SiLU", {},
                                   [](double x) { return x / (1 + std::exp(-x)); });
           }}};
}

Rules softmax(const std::string& op, const std::string& type) {
  return {{{op}, [=](OnnxImporting& onnx) {
             const OnnxNode& n = onnx.node();
             return onnx.claim(one_node(n, type, {{"dim", n.get_int("axis", -1)}}));
           }}};
}

Rules layer_norm() {
  return {{{"LayerNormalization"}, layer_normalization}, {{"ReduceMean"}, [](OnnxImporting& onnx) {
                                                            return normalization_decomposition(
                                                                onnx, /*over_batch=*/false);
                                                          }}};
}

}  // namespace nw::graph::onnx_import
