#include "graph/onnx_export_rule.h"

namespace nw::graph {

namespace {

// The parameter readers are ShapeContext's, so both rules read a value the same way.
ShapeContext reader(const OnnxExporting& onnx) {
  ShapeContext ctx;
  ctx.params = onnx.params();
  return ctx;
}

}  // namespace

int64_t OnnxExporting::get_int(const std::string& name) const {
  return reader(*this).get_int(name);
}
double OnnxExporting::get_float(const std::string& name) const {
  return reader(*this).get_float(name);
}
bool OnnxExporting::get_bool(const std::string& name) const {
  return reader(*this).get_bool(name);
}
std::string OnnxExporting::get_string(const std::string& name) const {
  return reader(*this).get_string(name);
}
std::pair<int64_t, int64_t> OnnxExporting::get_pair(const std::string& name) const {
  return reader(*this).get_pair(name);
}
std::vector<int64_t> OnnxExporting::get_list(const std::string& name) const {
  return reader(*this).get_list(name);
}

std::string OnnxExporting::add_node(const std::string& op, const std::vector<std::string>& inputs,
                                    const OnnxAttributes& attributes, const std::string& what) {
  return add_nodes(op, inputs, 1, attributes, what).at(0);
}

}  // namespace nw::graph
