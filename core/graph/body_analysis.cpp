#include "graph/body_analysis.h"

#include <optional>

#include "graph/block.h"

namespace nw::graph {

namespace {

// The use of `block` named `wanted`, or else the first one in graph order; nullptr when none.
const Node* pick_use(const Graph& g, const std::string& block, const std::string& wanted) {
  const std::string type = kBlockPrefix + block;
  if (const Node* n = g.find(wanted); n && n->type == type) return n;
  for (const Node& n : g.nodes())
    if (n.type == type) return &n;
  return nullptr;
}

const BlockDef& defined(const Graph& top, const std::string& name) {
  const BlockDef* def = top.find_block(name);
  if (!def) throw GraphError("block '" + name + "' is not defined in this project");
  return *def;
}

class BodyView {
 public:
  BodyView(const Graph& top, const Analysis& whole) : top_(top), whole_(whole) {}

  // The shape at output port `from` of `body`, whose layers are expanded under `prefix`; a
  // nested use follows its block's output port inside.
  std::optional<SampleShape> output(const Graph& body, const std::string& prefix,
                                    const PortRef& from, int depth = 0) const {
    const Node* n = body.find(from.node);
    if (!n || depth > kMaxBlockDepth || from.port < 0) return std::nullopt;
    const size_t port = static_cast<size_t>(from.port);
    if (is_block_type(n->type)) {
      const BlockDef* def = top_.find_block(block_name(n->type));
      if (!def || port >= def->outputs.size()) return std::nullopt;
      return output(def->body, prefix + n->id + ".", def->outputs[port].from, depth + 1);
    }
    auto it = whole_.inner.find(prefix + n->id);
    if (it == whole_.inner.end() || !it->second.shapes_known || port >= it->second.outputs.size())
      return std::nullopt;
    return it->second.outputs[port];
  }

  // A body's Input node carries what its first layer consumer receives.
  std::optional<SampleShape> fed(const Graph& body, const std::string& prefix,
                                 const std::string& input) const {
    for (const Edge& e : body.edges_out_of(input)) {
      auto it = whole_.inner.find(prefix + e.to.node);
      if (it == whole_.inner.end() || e.to.port < 0) continue;
      const auto& ins = it->second.inputs;
      if (size_t(e.to.port) < ins.size() && !ins[size_t(e.to.port)].empty())
        return ins[size_t(e.to.port)];
    }
    return std::nullopt;
  }

  NodeInfo info(const Graph& body, const std::string& prefix, const Node& n,
                const NodeInfo* use) const {
    if (auto it = whole_.inner.find(prefix + n.id); it != whole_.inner.end()) return it->second;
    NodeInfo info;
    if (n.type == "Input") {
      auto shape = fed(body, prefix, n.id);
      // The use's own input port, when nothing inside consumes it as a layer does.
      if (!shape && use && !use->inputs.empty()) shape = use->inputs.front();
      info.shapes_known = shape.has_value();
      if (shape) info.outputs = {*shape};
      return info;
    }
    const BlockDef* def = is_block_type(n.type) ? top_.find_block(block_name(n.type)) : nullptr;
    if (!def) return info;
    info.shapes_known = !def->outputs.empty();
    for (size_t p = 0; p < def->outputs.size(); ++p) {
      auto shape = output(body, prefix, {n.id, static_cast<int>(p)});
      info.shapes_known = info.shapes_known && shape.has_value();
      info.outputs.push_back(shape.value_or(SampleShape{}));
    }
    if (!info.shapes_known) info.outputs.clear();
    for (const Edge& e : body.edges_into(n.id)) {
      if (e.to.port < 0) continue;
      if (info.inputs.size() <= size_t(e.to.port)) info.inputs.resize(size_t(e.to.port) + 1);
      info.inputs[size_t(e.to.port)] = output(body, prefix, e.from).value_or(SampleShape{});
    }
    return info;
  }

 private:
  const Graph& top_;
  const Analysis& whole_;
};

}  // namespace

std::vector<std::string> diagnostic_path(const std::string& message) {
  const size_t colon = message.find(": ");
  if (colon == std::string::npos) return {};
  const std::string place = message.substr(0, colon);
  if (place.find('/') == std::string::npos) return {};
  std::vector<std::string> path;
  size_t start = 0;
  for (size_t slash; (slash = place.find('/', start)) != std::string::npos; start = slash + 1)
    path.push_back(place.substr(start, slash - start));
  path.push_back(place.substr(start));
  for (const std::string& id : path)
    if (check_node_id(id)) return {};  // not a place: some other "a/b: " text
  return path;
}

BodyAnalysis analyze_body(const Graph& top, const Analysis& whole,
                          const std::vector<std::string>& path,
                          const std::vector<std::string>& via) {
  BodyAnalysis out;
  if (path.empty()) return out;
  // Looks down the path: the body of each block, through its (first) use in the level above.
  const Graph* level = &top;
  std::string prefix;
  bool seen = true;
  for (size_t i = 0; i < path.size(); ++i) {
    const BlockDef& def = defined(top, path[i]);
    const Node* use =
        seen ? pick_use(*level, path[i], i < via.size() ? via[i] : std::string()) : nullptr;
    seen = use != nullptr;
    if (seen) {
      out.uses.push_back(use->id);
      prefix += use->id + ".";
    }
    level = &def.body;
  }
  if (!seen) {
    out.uses.clear();
    return out;
  }

  const BodyView view(top, whole);
  auto use_info = whole.nodes.find(out.uses.front());
  const NodeInfo* outer =
      path.size() == 1 && use_info != whole.nodes.end() ? &use_info->second : nullptr;
  for (const Node& n : level->nodes())
    out.analysis.nodes[n.id] = view.info(*level, prefix, n, outer);

  // An error inside the shown use, "layer1.0/conv1: ...", goes on `conv1`; deeper inside a
  // nested use, "layer1/0/conv1: ..." seen from the outer block's body goes on `0`.
  for (const Diagnostic& d : whole.diagnostics) {
    if (d.node != out.uses.front()) continue;
    const std::vector<std::string> at = diagnostic_path(d.message);
    if (at.size() <= out.uses.size() || !std::equal(out.uses.begin(), out.uses.end(), at.begin()))
      continue;
    std::string rest = d.message.substr(d.message.find(": ") + 2);
    std::string deeper;
    for (size_t i = out.uses.size() + 1; i < at.size(); ++i)
      deeper += (deeper.empty() ? "" : "/") + at[i];
    if (!deeper.empty()) rest = deeper + ": " + rest;
    out.analysis.diagnostics.push_back({d.severity, at[out.uses.size()], -1, std::move(rest)});
  }
  return out;
}

}  // namespace nw::graph
