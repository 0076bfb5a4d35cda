// Helpers shared by the layer types' ONNX import rules.
#include "graph/onnx_import_rule.h"

#include <cmath>

#include "tensor/creation.h"

namespace nw::graph {

namespace {

const OnnxAttribute* typed(const OnnxNode& n, const std::string& attr, OnnxAttribute::Kind kind,
                           const char* kind_name) {
  auto it = n.attrs.find(attr);
  if (it == n.attrs.end()) return nullptr;
  if (it->second.kind != kind)
    throw Error("ONNX node '" + n.name + "' (" + n.op + "): attribute '" + attr + "' is not " +
                kind_name + "; the model is malformed, export it again");
  return &it->second;
}

}  // namespace

int64_t OnnxNode::get_int(const std::string& attr, int64_t fallback) const {
  const OnnxAttribute* a = typed(*this, attr, OnnxAttribute::Kind::Int, "an integer");
  return a ? a->i : fallback;
}

double OnnxNode::get_float(const std::string& attr, double fallback) const {
  const OnnxAttribute* a = typed(*this, attr, OnnxAttribute::Kind::Float, "a float");
  return a ? a->f : fallback;
}

std::string OnnxNode::get_string(const std::string& attr, const std::string& fallback) const {
  const OnnxAttribute* a = typed(*this, attr, OnnxAttribute::Kind::String, "a string");
  return a ? a->s : fallback;
}

std::vector<int64_t> OnnxNode::get_ints(const std::string& attr,
                                        std::vector<int64_t> fallback) const {
  const OnnxAttribute* a = typed(*this, attr, OnnxAttribute::Kind::Ints, "a list of integers");
  return a ? a->ints : fallback;
}

int64_t OnnxConstant::numel() const {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

Tensor onnx_tensor(const OnnxConstant& c) {
  std::vector<float> v = c.floats;
  if (c.is_int) v.assign(c.ints.begin(), c.ints.end());
  return from_vector<float>(v, c.dims);
}

std::string onnx_data_input(const OnnxImporting& onnx, const OnnxNode& node) {
  std::string data;
  for (const std::string& in : node.inputs) {
    if (in.empty() || onnx.constant(in)) continue;
    if (!data.empty() && data != in) return {};
    data = in;
  }
  return data;
}

const OnnxNode* onnx_sole_consumer(const OnnxImporting& onnx, const std::string& value) {
  const auto readers = onnx.consumers(value);
  if (onnx.is_graph_output(value)) return nullptr;
  return readers.size() == 1 ? readers[0] : nullptr;
}

bool onnx_is_scalar(const OnnxImporting& onnx, const std::string& value, double x) {
  const auto c = onnx.constant(value);
  if (!c || c->numel() != 1) return false;
  return std::abs(c->at(0) - x) <= 1e-6 * std::max(1.0, std::abs(x));
}

}  // namespace nw::graph
