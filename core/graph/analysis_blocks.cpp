// analyze() of a graph that uses blocks: the graph is expanded (graph/block_expand.h), the flat
// graph analyzed as any other, and the result told in the terms of the graph the user edits:
// each use gets its shapes, its block parameters and the totals of the layers inside it, and
// every problem inside a use is reported on the use with the path to the layer at fault.
#include <algorithm>
#include <functional>
#include <queue>
#include <set>
#include <tuple>

#include "graph/analysis_internal.h"
#include "graph/block_expand.h"
#include "graph/layer_macs.h"
#include "graph/param_count.h"

namespace nw::graph::detail {

namespace {

// A topological order of the graph's own nodes (a use counts as one), earliest-added first, as
// order_nodes() does; nodes on or after a cycle are left out (the flat analysis reports it).
std::vector<std::string> top_order(const Graph& g) {
  const auto& nodes = g.nodes();
  std::map<std::string, int> index;
  for (size_t i = 0; i < nodes.size(); ++i) index[nodes[i].id] = static_cast<int>(i);
  std::vector<std::vector<int>> succ(nodes.size());
  std::vector<int> pending(nodes.size(), 0);
  for (const Edge& e : g.edges()) {
    auto f = index.find(e.from.node), t = index.find(e.to.node);
    if (f == index.end() || t == index.end()) continue;
    succ[static_cast<size_t>(f->second)].push_back(t->second);
    ++pending[static_cast<size_t>(t->second)];
  }
  std::priority_queue<int, std::vector<int>, std::greater<>> ready;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (pending[i] == 0) ready.push(static_cast<int>(i));
  std::vector<std::string> order;
  while (!ready.empty()) {
    const int i = ready.top();
    ready.pop();
    order.push_back(nodes[static_cast<size_t>(i)].id);
    for (int s : succ[static_cast<size_t>(i)])
      if (--pending[static_cast<size_t>(s)] == 0) ready.push(s);
  }
  return order;
}

// Tells a diagnostic of the flat graph on the user's graph. A layer inside a use reports on
// the use; when the problem is at a port the use's own input port feeds, on that port.
Diagnostic on_top(const Diagnostic& d, const Expansion& x,
                  const std::map<std::pair<std::string, int>, std::pair<std::string, int>>& fed) {
  auto o = x.origin.find(d.node);
  if (d.node.empty() || o == x.origin.end()) return d;
  // "input 0 is not connected", "input 0 has 2 incoming edges": about the edges into the use.
  const std::string was = "input " + std::to_string(d.port);
  if (d.port >= 0 && d.message.rfind(was + " ", 0) == 0)
    if (auto f = fed.find({d.node, d.port}); f != fed.end())
      return {d.severity, f->second.first, f->second.second,
              "input " + std::to_string(f->second.second) + d.message.substr(was.size())};
  // The path names the layer; its message says the rest ("in_channels is set to 64, ...").
  return {d.severity, o->second.use, -1, o->second.path + ": " + d.message};
}

NodeInfo use_info(const std::string& id, const Expansion& x, const Analysis& flat) {
  NodeInfo info;
  if (auto p = x.use_params.find(id); p != x.use_params.end()) info.params = p->second;
  auto known = [&](const PortRef& p, bool output, SampleShape& shape) {
    auto it = flat.nodes.find(p.node);
    if (it == flat.nodes.end()) return false;
    const auto& list = output ? it->second.outputs : it->second.inputs;
    if (p.port < 0 || size_t(p.port) >= list.size()) return false;
    if (output && !it->second.shapes_known) return false;
    if (!output && list[size_t(p.port)].empty()) return false;
    shape = list[size_t(p.port)];
    return true;
  };
  if (auto in = x.use_inputs.find(id); in != x.use_inputs.end())
    for (const auto& consumers : in->second) {
      SampleShape s;
      if (!consumers.empty()) known(consumers.front(), false, s);
      info.inputs.push_back(s);
    }
  bool all = true;
  if (auto out = x.use_outputs.find(id); out != x.use_outputs.end()) {
    for (const PortRef& p : out->second) {
      SampleShape s;
      all = known(p, true, s) && all;
      info.outputs.push_back(s);
    }
  } else {
    all = false;
  }
  info.shapes_known = all;
  if (!all) info.outputs.clear();
  NodeInfo::BlockTotals totals{int64_t(0), 0};
  for (const auto& [flat_id, origin] : x.origin) {
    if (origin.use != id) continue;
    auto it = flat.nodes.find(flat_id);
    const Node* n = x.flat.find(flat_id);
    const LayerType* t = n ? Registry::instance().find(n->type) : nullptr;
    if (it == flat.nodes.end() || !t || !it->second.shapes_known) {
      totals.parameters.reset();
      continue;
    }
    const auto count = parameter_count(*t, it->second.params);
    if (count && totals.parameters) *totals.parameters += *count;
    if (!count) totals.parameters.reset();
    try {
      totals.macs += layer_macs(*t, *n, it->second);
    } catch (const std::exception&) {  // a rule refusing what analysis accepted: count none
    }
  }
  info.block = totals;
  return info;
}

}  // namespace

Analysis analyze_blocks(const Graph& graph) {
  const Expansion x = expand_blocks(graph);
  const Analysis flat = analyze(x.flat);
  Analysis a;
  a.inputs = flat.inputs;
  a.order = top_order(graph);

  // The flat input ports behind each input port of a use.
  std::map<std::pair<std::string, int>, std::pair<std::string, int>> fed;
  for (const auto& [use, ports] : x.use_inputs)
    for (size_t p = 0; p < ports.size(); ++p)
      for (const PortRef& c : ports[p]) fed[{c.node, c.port}] = {use, static_cast<int>(p)};

  a.diagnostics = x.errors;
  // With a use that does not expand, the flat graph lacks its layers and the edges through it:
  // what the flat analysis says then is noise. Its shapes upstream are still right.
  if (x.errors.empty()) {
    std::set<std::tuple<std::string, int, std::string>> seen;
    for (const Diagnostic& d : flat.diagnostics) {
      Diagnostic t = on_top(d, x, fed);
      if (seen.insert({t.node, t.port, t.message}).second) a.diagnostics.push_back(std::move(t));
    }
    auto o = x.origin.find(flat.output);
    a.output = o == x.origin.end() ? flat.output : o->second.use;
  }

  for (const Node& n : graph.nodes()) {
    if (is_block_type(n.type)) {
      a.nodes[n.id] = use_info(n.id, x, flat);
    } else if (auto it = flat.nodes.find(n.id); it != flat.nodes.end()) {
      a.nodes[n.id] = it->second;
    }
  }
  for (const auto& [flat_id, origin] : x.origin)
    if (auto it = flat.nodes.find(flat_id); it != flat.nodes.end()) a.inner[flat_id] = it->second;
  return a;
}

}  // namespace nw::graph::detail
