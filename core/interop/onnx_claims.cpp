// The claiming pass over the registry's ONNX import rules, and the graph queries rules make.
#include "interop/onnx_claims.h"

#include <algorithm>

namespace nw::interop {

namespace {

// Chains folded into constants, shape values and zero states are short in exported models; a
// limit keeps a crafted chain of thousands of Identity nodes from exhausting the stack or time.
constexpr int kMaxFoldDepth = 64;

// Ops that only compute shapes, constants and zero states for the layers around them.
const std::set<std::string>& helper_ops() {
  static const std::set<std::string> ops = {"Constant", "Shape",           "Gather",   "Unsqueeze",
                                            "Squeeze",  "Concat",          "Slice",    "Cast",
                                            "Expand",   "ConstantOfShape", "Identity", "Reshape"};
  return ops;
}

bool rule_names(const graph::OnnxImportRule& rule, const std::string& op) {
  return std::find(rule.ops.begin(), rule.ops.end(), op) != rule.ops.end();
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

std::vector<std::string> onnx_supported_ops() {
  std::set<std::string> ops(helper_ops().begin(), helper_ops().end());
  for (const graph::LayerType& t : graph::Registry::instance().types())
    for (const graph::OnnxImportRule& r : t.onnx_import) ops.insert(r.ops.begin(), r.ops.end());
  return {ops.begin(), ops.end()};
}

OnnxClaims::OnnxClaims(const OnnxModelData& model)
    : model_(model), claimed_by_(model.nodes.size(), -1) {
  for (const graph::OnnxNode& n : model_.nodes) {
    for (const std::string& out : n.outputs)
      if (!out.empty()) producer_[out] = n.index;
    for (const std::string& in : n.inputs)
      if (!in.empty()) consumers_[in].push_back(n.index);
  }
}

const graph::OnnxNode* OnnxClaims::producer(const std::string& value) const {
  auto it = producer_.find(value);
  return it == producer_.end() ? nullptr : &model_.nodes[it->second];
}

std::vector<const graph::OnnxNode*> OnnxClaims::consumers(const std::string& value) const {
  std::vector<const graph::OnnxNode*> r;
  auto it = consumers_.find(value);
  if (it == consumers_.end()) return r;
  for (int i : it->second)
    if (r.empty() || r.back() != &model_.nodes[i]) r.push_back(&model_.nodes[i]);
  return r;
}

bool OnnxClaims::is_claimed(const graph::OnnxNode& node) const {
  return claimed_by_.at(node.index) != -1;
}

bool OnnxClaims::is_graph_output(const std::string& value) const {
  return std::find(model_.outputs.begin(), model_.outputs.end(), value) != model_.outputs.end();
}

std::optional<std::vector<int64_t>> OnnxClaims::shape(const std::string& value) const {
  auto it = model_.values.find(value);
  if (it == model_.values.end() || !it->second.known) return std::nullopt;
  return it->second.shape;
}

std::optional<graph::OnnxConstant> OnnxClaims::constant(const std::string& value) const {
  return fold_constant(value, 0);
}

std::optional<graph::OnnxConstant> OnnxClaims::fold_constant(const std::string& value,
                                                             int depth) const {
  if (depth > kMaxFoldDepth) return std::nullopt;
  auto it = model_.constants.find(value);
  if (it != model_.constants.end()) return it->second;
  const graph::OnnxNode* p = producer(value);
  static const std::set<std::string> folded = {"Identity", "Cast", "Reshape", "Unsqueeze",
                                               "Squeeze"};
  if (!p || !folded.count(p->op) || p->inputs.empty()) return std::nullopt;
  std::optional<graph::OnnxConstant> c = fold_constant(p->inputs[0], depth + 1);
  if (!c) return std::nullopt;
  for (size_t k = 1; k < p->inputs.size(); ++k)  // Reshape's shape, Unsqueeze's axes
    if (!p->inputs[k].empty() && !fold_constant(p->inputs[k], depth + 1)) return std::nullopt;
  if (p->op == "Cast") {
    const int64_t to = p->get_int("to", 1);
    if (to == 1 || to == 11) {  // float, double
      if (c->is_int) c->floats.assign(c->ints.begin(), c->ints.end()), c->ints.clear();
      c->is_int = false;
    } else if (to == 7 || to == 6) {  // int64, int32
      if (!c->is_int) c->ints.assign(c->floats.begin(), c->floats.end()), c->floats.clear();
      c->is_int = true;
    } else {
      return std::nullopt;
    }
  } else if (p->op != "Identity") {
    const auto s = shape(value);
    if (!s || std::count(s->begin(), s->end(), -1)) return std::nullopt;
    c->dims = *s;
    if (c->numel() != static_cast<int64_t>(c->is_int ? c->ints.size() : c->floats.size()))
      return std::nullopt;
  }
  return c;
}

std::optional<std::vector<int64_t>> OnnxClaims::shape_value(const std::string& value) const {
  return fold_shape(value, 0);
}

std::optional<std::vector<int64_t>> OnnxClaims::fold_shape(const std::string& value,
                                                           int depth) const {
  if (depth > kMaxFoldDepth) return std::nullopt;
  if (auto c = fold_constant(value, depth + 1)) {
    if (!c->is_int) return std::nullopt;
    return c->ints;
  }
  const graph::OnnxNode* p = producer(value);
  if (!p || p->inputs.empty()) return std::nullopt;
  if (p->op == "Shape") {
    auto s = shape(p->inputs[0]);
    if (!s) return std::nullopt;
    const auto rank = static_cast<int64_t>(s->size());
    auto wrap = [&](int64_t i) { return std::clamp(i < 0 ? i + rank : i, int64_t(0), rank); };
    const int64_t start = wrap(p->get_int("start", 0)), end = wrap(p->get_int("end", rank));
    std::vector<int64_t> r;
    for (int64_t i = start; i < end; ++i) r.push_back((*s)[i] < 0 ? graph::kOnnxBatchDim : (*s)[i]);
    return r;
  }
  if (p->op == "Unsqueeze" || p->op == "Squeeze" || p->op == "Cast" || p->op == "Identity")
    return fold_shape(p->inputs[0], depth + 1);
  if (p->op == "Concat") {
    std::vector<int64_t> r;
    for (const std::string& in : p->inputs) {
      auto part = fold_shape(in, depth + 1);
      if (!part) return std::nullopt;
      r.insert(r.end(), part->begin(), part->end());
    }
    return r;
  }
  if (p->op == "Gather" && p->get_int("axis", 0) == 0) {
    auto data = fold_shape(p->inputs[0], depth + 1);
    auto idx = fold_constant(p->input(1), depth + 1);
    if (!data || !idx || !idx->is_int) return std::nullopt;
    std::vector<int64_t> r;
    const auto n = static_cast<int64_t>(data->size());
    for (int64_t i : idx->ints) {
      if (i < -n || i >= n) return std::nullopt;
      r.push_back((*data)[i < 0 ? i + n : i]);
    }
    return r;
  }
  return std::nullopt;
}

bool OnnxClaims::is_zeros(const std::string& value) const {
  return fold_zeros(value, 0);
}

bool OnnxClaims::fold_zeros(const std::string& value, int depth) const {
  if (depth > kMaxFoldDepth) return false;
  if (auto c = fold_constant(value, depth + 1)) {
    for (int64_t i = 0; i < c->numel(); ++i)
      if (c->at(i) != 0) return false;
    return true;
  }
  const graph::OnnxNode* p = producer(value);
  if (!p) return false;
  if (p->op == "ConstantOfShape") {
    auto it = p->attrs.find("value");
    return it == p->attrs.end() || std::all_of(it->second.floats.begin(), it->second.floats.end(),
                                               [](double x) { return x == 0; });
  }
  static const std::set<std::string> keep = {"Slice",    "Expand", "Squeeze", "Unsqueeze",
                                             "Identity", "Cast",   "Reshape", "Tile"};
  return keep.count(p->op) && !p->inputs.empty() && fold_zeros(p->inputs[0], depth + 1);
}

bool OnnxClaims::claim(graph::OnnxClaim c) {
  const graph::LayerType* type = graph::Registry::instance().find(c.type);
  if (!type || c.nodes.empty()) throw Error("import rule claims an unknown layer type " + c.type);
  if (c.inputs.size() != type->inputs.size() || c.outputs.size() > type->outputs.size())
    throw Error("import rule for " + c.type + " gives " + std::to_string(c.inputs.size()) +
                " inputs and " + std::to_string(c.outputs.size()) + " outputs");
  for (const graph::OnnxNode* n : c.nodes)
    if (is_claimed(*n)) throw Error("ONNX node '" + n->name + "' (" + n->op + ") is claimed twice");
  for (const graph::OnnxNode* n : c.nodes) claimed_by_[n->index] = static_cast<int>(claims_.size());
  claims_.push_back(std::move(c));
  return true;
}

void OnnxClaims::run() {
  const auto& types = graph::Registry::instance().types();
  for (const graph::OnnxNode& n : model_.nodes) {
    if (is_claimed(n) || n.op == "Constant") continue;
    current_ = &n;
    bool done = false;
    for (const graph::LayerType& t : types) {
      for (const graph::OnnxImportRule& r : t.onnx_import) {
        if (rule_names(r, n.op) && r.claim(*this)) {
          done = true;
          break;
        }
      }
      if (done) break;
    }
  }
  current_ = nullptr;
  absorb_helpers();
  for (const graph::OnnxNode& n : model_.nodes)
    if (claimed_by_[n.index] == -1) unsupported(n);
}

void OnnxClaims::absorb_helpers() {
  std::set<std::string> data;
  for (const graph::OnnxClaim& c : claims_) data.insert(c.inputs.begin(), c.inputs.end());
  for (auto it = model_.nodes.rbegin(); it != model_.nodes.rend(); ++it) {
    const graph::OnnxNode& n = *it;
    if (claimed_by_[n.index] != -1 || !helper_ops().count(n.op)) continue;
    bool only_helps = true;
    for (const std::string& out : n.outputs) {
      if (data.count(out) || is_graph_output(out)) only_helps = false;
      for (const graph::OnnxNode* r : consumers(out))
        if (claimed_by_[r->index] == -1) only_helps = false;
    }
    if (only_helps) claimed_by_[n.index] = -2;
  }
}

void OnnxClaims::unsupported(const graph::OnnxNode& n) const {
  bool has_rule = helper_ops().count(n.op) > 0;
  for (const graph::LayerType& t : graph::Registry::instance().types())
    for (const graph::OnnxImportRule& r : t.onnx_import) has_rule = has_rule || rule_names(r, n.op);
  const std::string where = model_.file.string() + ": ONNX node '" + n.name + "' (" + n.op + "): ";
  if (has_rule)
    throw OnnxImportError(where + "Netwright imports " + n.op +
                          " only in the forms PyTorch's exporter writes for its layers, and "
                          "this one matches none (e.g. a computed weight or an unusual "
                          "attribute); supported ops: " +
                          join(onnx_supported_ops()));
  throw OnnxImportError(where + "op " + n.op + " is not supported; Netwright imports " +
                        join(onnx_supported_ops()) +
                        "; replace it in the model (or with a supported layer) and export again");
}

}  // namespace nw::interop
