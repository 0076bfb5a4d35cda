// Reading and applying the netwright.nodes metadata.
#include "interop/onnx_metadata.h"

#include <set>

#include "io/json_read.h"

namespace nw::interop {

namespace {

// Layer types that export to the same ONNX ops, so that ONNX alone cannot tell them apart.
int alias_group(const std::string& type) {
  static const std::map<std::string, int> groups = {
      {"Flatten", 1},   {"Reshape", 1},  {"Unflatten", 1}, {"Dropout", 2},
      {"Dropout2d", 2}, {"Identity", 2}, {"AvgPool2d", 3}, {"AdaptiveAvgPool2d", 3}};
  auto it = groups.find(type);
  return it == groups.end() ? 0 : it->second;
}

// Whether the author's value `pinned` is another way of writing ONNX's `onnx`: padding "same"
// or "valid" for the numbers it came to, a Reshape's -1 for the size it stood for, BatchNorm's
// momentum None (a cumulative average, which ONNX cannot write; it only matters in training).
bool same_in_onnx(const std::string& name, const nlohmann::json& pinned,
                  const nlohmann::json& onnx) {
  if (name == "padding") return pinned.is_string();
  if (name == "momentum") return pinned.is_null();
  if (name != "shape" || !pinned.is_array() || !onnx.is_array() || pinned.size() != onnx.size())
    return false;
  for (size_t i = 0; i < pinned.size(); ++i)
    if (pinned[i] != onnx[i] && pinned[i] != -1) return false;
  return true;
}

}  // namespace

NodeMetadata read_node_metadata(const OnnxModelData& m) {
  NodeMetadata meta;
  if (m.netwright_nodes.empty()) return meta;
  const std::string where = m.file.string() + ": metadata 'netwright.nodes'";
  // parse_json checks nesting and size first: nlohmann's parser recurses once per level.
  nlohmann::json j;
  try {
    j = io::parse_json(m.netwright_nodes, where);
  } catch (const io::JsonError& e) {
    throw OnnxImportError(std::string(e.what()) +
                          "; remove the metadata or export the model again");
  }
  if (!j.is_object())
    throw OnnxImportError(where + " is not a JSON object; remove it or export the model again");
  for (auto& [id, entry] : j.items()) {
    if (!entry.is_object() || !entry.value("type", nlohmann::json()).is_string() ||
        (entry.contains("params") && !entry["params"].is_object()))
      throw OnnxImportError(where + ": the entry of '" + id +
                            "' needs a \"type\" string and a \"params\" object; remove the "
                            "metadata or export the model again");
    meta[id] = entry;
  }
  return meta;
}

graph::Node apply_metadata(const NodeMetadata& meta, const std::string& id,
                           const graph::OnnxClaim& claim, const graph::Graph&) {
  graph::Node node{.id = id, .type = claim.type, .params = claim.params};
  auto it = meta.find(id);
  if (it == meta.end()) return node;
  const nlohmann::json& e = it->second;
  const std::string type = e["type"].get<std::string>();
  const nlohmann::json pinned = e.value("params", nlohmann::json::object());
  if (type != claim.type && alias_group(type) && alias_group(type) == alias_group(claim.type)) {
    node.type = type;
    node.params.clear();
    for (auto& [k, v] : pinned.items()) node.params[k] = v;
  } else if (type == claim.type) {
    // Keep what ONNX says; drop pins the author did not make unless they differ from the default.
    const graph::LayerType* t = graph::Registry::instance().find(type);
    for (auto p = node.params.begin(); p != node.params.end();) {
      const graph::ParamSpec* spec = t ? t->param(p->first) : nullptr;
      const bool is_default = spec && spec->default_value == p->second;
      p = (!pinned.contains(p->first) && is_default) ? node.params.erase(p) : std::next(p);
    }
    for (auto& [k, v] : pinned.items())
      if (!node.params.count(k) || same_in_onnx(k, v, node.params[k])) node.params[k] = v;
  }
  if (e.contains("trainable") && e["trainable"].is_boolean()) node.trainable = e["trainable"];
  if (e.contains("label") && e["label"].is_string()) node.label = e["label"];
  return node;
}

}  // namespace nw::interop
