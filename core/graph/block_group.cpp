#include "graph/block_group.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <tuple>

namespace nw::graph {

namespace {

// The longest "<p>." that every id starts with (whole dot-separated parts), without the dot.
std::string common_prefix(const std::vector<std::string>& ids) {
  std::string prefix = ids.front();
  for (const std::string& id : ids) {
    size_t n = 0;
    while (n < prefix.size() && n < id.size() && prefix[n] == id[n]) ++n;
    prefix.resize(n);
  }
  // Only whole parts, and never a whole id: "layer1.0.conv1", "layer1.0.bn1" -> "layer1.0".
  const size_t dot = prefix.rfind('.');
  if (dot == std::string::npos) return {};
  prefix.resize(dot);
  for (const std::string& id : ids)
    if (id.size() <= prefix.size() + 1 || id[prefix.size()] != '.') return {};
  return prefix;
}

std::string fresh(const std::string& stem, const std::set<std::string>& taken) {
  if (!taken.count(stem)) return stem;
  for (int i = 1;; ++i)
    if (!taken.count(stem + "_" + std::to_string(i))) return stem + "_" + std::to_string(i);
}

ParamValue substitute(const ParamValue& v, const ParamMap& env, const std::string& where) {
  if (v.is_array()) {
    ParamValue out = ParamValue::array();
    for (const auto& e : v) out.push_back(substitute(e, env, where));
    return out;
  }
  const std::string ref = param_ref(v);
  if (ref.empty()) return v;
  auto it = env.find(ref);
  if (it == env.end() || it->second.is_null())
    throw GraphError(where + ": '$" + ref +
                     "' has no value (not a parameter of the block, or not set on the use); "
                     "set it before ungrouping");
  return it->second;
}

}  // namespace

std::string group_into_block(Graph& g, const std::vector<std::string>& ids,
                             const std::string& name) {
  if (ids.empty()) throw GraphError("select the nodes to group into a block");
  if (auto bad = check_block_name(name)) throw GraphError(*bad);
  if (g.find_block(name))
    throw GraphError("a block named '" + name + "' exists already; pick another name");
  const std::set<std::string> sel(ids.begin(), ids.end());
  std::vector<const Node*> chosen;  // in graph order
  for (const Node& n : g.nodes())
    if (sel.count(n.id)) chosen.push_back(&n);
  for (const std::string& id : sel) {
    const Node& n = g.node(id);  // throws when missing
    if (n.type == "Input")
      throw GraphError("node '" + id +
                       "' is an Input; leave it out of the block (the block's inputs are its "
                       "ports)");
  }
  if (chosen.size() != ids.size()) throw GraphError("a node is selected twice; select it once");

  std::string use = common_prefix(ids);
  // The prefix names the use unless a node outside the selection has that id.
  const bool strip = !use.empty() && !g.find(use);
  const size_t cut = strip ? use.size() + 1 : 0;
  if (!strip) {
    std::string stem = name;
    std::transform(stem.begin(), stem.end(), stem.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    use = g.unique_id(stem);
  }
  const std::array<double, 2> anchor = chosen.front()->pos;
  auto inner = [&](const std::string& id) { return id.substr(cut); };
  std::set<std::string> taken;
  for (const Node* n : chosen) taken.insert(inner(n->id));

  // Ports, in the order the crossing edges come.
  std::vector<PortRef> in_sources, out_sources;
  for (const Edge& e : g.edges()) {
    const bool from_in = sel.count(e.from.node), to_in = sel.count(e.to.node);
    if (!from_in && to_in &&
        std::find(in_sources.begin(), in_sources.end(), e.from) == in_sources.end())
      in_sources.push_back(e.from);
    if (from_in && !to_in &&
        std::find(out_sources.begin(), out_sources.end(), e.from) == out_sources.end())
      out_sources.push_back(e.from);
  }
  if (out_sources.empty())
    for (const Node* n : chosen)
      if (g.edges_out_of(n->id).empty()) out_sources.push_back({n->id, 0});
  if (out_sources.empty())
    throw GraphError(
        "the selection has no output (it feeds only itself); select the nodes up "
        "to the one whose output leaves the block");

  BlockDef def;
  def.name = name;
  def.body = g.new_body();
  Graph& body = def.body;
  for (size_t k = 0; k < in_sources.size(); ++k) {
    const std::string port = fresh(k == 0 ? "in" : "in_" + std::to_string(k), taken);
    taken.insert(port);
    def.inputs.push_back(port);
  }
  for (size_t k = 0; k < in_sources.size(); ++k)
    body.add_node("Input", def.inputs[k], {}, {80.0 * double(k), -80.0});
  for (const Node* n : chosen) {
    Node copy = *n;
    copy.id = inner(n->id);
    copy.pos = {n->pos[0] - anchor[0], n->pos[1] - anchor[1]};
    body.add_node(std::move(copy));
  }
  auto in_port = [&](const PortRef& p) {
    return static_cast<int>(std::find(in_sources.begin(), in_sources.end(), p) -
                            in_sources.begin());
  };
  for (const Edge& e : g.edges()) {
    if (!sel.count(e.to.node)) continue;
    const PortRef to{inner(e.to.node), e.to.port};
    if (sel.count(e.from.node))
      body.connect({inner(e.from.node), e.from.port}, to);
    else
      body.connect({def.inputs[size_t(in_port(e.from))], 0}, to);
  }
  for (size_t k = 0; k < out_sources.size(); ++k)
    def.outputs.push_back({k == 0 ? "out" : "out_" + std::to_string(k),
                           {inner(out_sources[k].node), out_sources[k].port}});

  Graph out = g;
  out.clear();
  out.define_block(std::move(def));
  for (const Node& n : g.nodes()) {
    if (&n == chosen.front()) out.add_node(kBlockPrefix + name, use, {}, anchor);
    if (!sel.count(n.id)) out.add_node(n);
  }
  // Two selected nodes fed by one outside port make one edge into the use.
  std::set<std::tuple<std::string, int, std::string, int>> done;
  for (const Edge& e : g.edges()) {
    const bool from_in = sel.count(e.from.node), to_in = sel.count(e.to.node);
    if (from_in && to_in) continue;
    PortRef from = e.from, to = e.to;
    if (to_in) to = {use, in_port(e.from)};
    if (from_in) {
      auto it = std::find(out_sources.begin(), out_sources.end(), e.from);
      from = {use, static_cast<int>(it - out_sources.begin())};
    }
    if (done.insert({from.node, from.port, to.node, to.port}).second) out.connect(from, to);
  }
  g = out;
  return use;
}

void ungroup(Graph& g, const std::string& id) {
  const Node& use = g.node(id);
  if (!is_block_type(use.type))
    throw GraphError("node '" + id + "' (" + use.type + ") is not a block; nothing to ungroup");
  const BlockDef* def = g.find_block(block_name(use.type));
  if (!def)
    throw GraphError("node '" + id + "' uses block '" + block_name(use.type) +
                     "', which is not defined; define it or delete the node");
  ParamMap env;
  for (const ParamSpec& p : def->params) env[p.name] = p.default_value;
  for (const auto& [k, v] : use.params) env[k] = v;
  std::map<std::string, int> port_of;
  for (size_t k = 0; k < def->inputs.size(); ++k) port_of[def->inputs[k]] = static_cast<int>(k);
  // What feeds each input port of the use, from the outside.
  std::vector<std::vector<PortRef>> feeds(def->inputs.size());
  for (const Edge& e : g.edges())
    if (e.to.node == id && e.to.port >= 0 && size_t(e.to.port) < feeds.size())
      feeds[size_t(e.to.port)].push_back(e.from);
  auto flat = [&](const std::string& inner) { return id + "." + inner; };

  Graph out = g;
  out.clear();
  for (const Node& n : g.nodes()) {
    if (n.id != id) {
      out.add_node(n);
      continue;
    }
    for (const Node& inner : def->body.nodes()) {
      if (port_of.count(inner.id)) continue;
      Node copy = inner;
      copy.id = flat(inner.id);
      copy.pos = {inner.pos[0] + use.pos[0], inner.pos[1] + use.pos[1]};
      copy.trainable = inner.trainable && use.trainable;
      copy.params.clear();
      for (const auto& [k, v] : inner.params)
        copy.params[k] = substitute(v, env, "node '" + copy.id + "', " + k);
      out.add_node(std::move(copy));
    }
  }
  // The source behind an output port of a body node, or behind an input port of the use.
  auto sources = [&](const PortRef& p) -> std::vector<PortRef> {
    if (auto k = port_of.find(p.node); k != port_of.end()) return feeds[size_t(k->second)];
    return {{flat(p.node), p.port}};
  };
  for (const Edge& e : g.edges()) {
    if (e.to.node == id) continue;  // rewired from the body's edges below
    if (e.from.node != id) {
      out.connect(e.from, e.to);
      continue;
    }
    if (e.from.port < 0 || size_t(e.from.port) >= def->outputs.size()) continue;
    for (const PortRef& s : sources(def->outputs[size_t(e.from.port)].from)) out.connect(s, e.to);
  }
  for (const Edge& e : def->body.edges())
    for (const PortRef& s : sources(e.from)) out.connect(s, {flat(e.to.node), e.to.port});
  g = out;
}

}  // namespace nw::graph
