// The structural pass of analyze(): which nodes form the network, how edges meet ports, cycles, a
// topological order and the output. The shape pass is analysis_shapes.cpp.
#include <algorithm>
#include <unordered_set>

#include "graph/analysis_internal.h"
#include "graph/block_expand.h"

namespace nw::graph {

// ---- results

bool Analysis::ok() const {
  return std::none_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& d) {
    return d.severity == Diagnostic::Severity::Error;
  });
}

std::vector<Diagnostic> Analysis::errors() const {
  std::vector<Diagnostic> out;
  for (const Diagnostic& d : diagnostics)
    if (d.severity == Diagnostic::Severity::Error) out.push_back(d);
  return out;
}

std::vector<Diagnostic> Analysis::for_node(const std::string& id) const {
  std::vector<Diagnostic> out;
  for (const Diagnostic& d : diagnostics)
    if (d.node == id) out.push_back(d);
  return out;
}

std::string Diagnostic::to_string(const Graph& graph) const {
  if (node.empty()) return message;
  std::string out = "node '" + node + "'";
  if (const Node* n = graph.find(node)) out += " (" + n->type + ")";
  // NOTE: port messages often start with the port ("input 1 is not connected"); say it once.
  const std::string port_text = "input " + std::to_string(port);
  if (port >= 0 && message.rfind(port_text + " ", 0) != 0) out += ", " + port_text;
  return out + ": " + message;
}

namespace detail {

void Work::error(int i, int port, std::string message) {
  a.diagnostics.push_back(
      {Diagnostic::Severity::Error, i < 0 ? std::string() : node(i).id, port, std::move(message)});
  if (i >= 0) failed[static_cast<size_t>(i)] = 1;
}

void Work::warn(int i, std::string message) {
  a.diagnostics.push_back({Diagnostic::Severity::Warning, node(i).id, -1, std::move(message)});
}

namespace {

std::string quoted(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "'" : ", '") + id + "'";
  return out;
}

bool is_input(const LayerType* t) {
  return t && t->category == "Input";
}

void index_nodes(Work& w) {
  const auto& nodes = w.g.nodes();
  const size_t n = nodes.size();
  w.index.reserve(n);
  w.types.resize(n);
  w.in.resize(n);
  w.succ.resize(n);
  w.role.assign(n, Role::Member);
  w.failed.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    w.index.emplace(nodes[i].id, static_cast<int>(i));
    w.types[i] = Registry::instance().find(nodes[i].type);
    if (w.types[i]) {
      w.in[i].resize(w.types[i]->inputs.size());
      if (is_input(w.types[i])) w.a.inputs.push_back(nodes[i].id);
    } else {
      w.error(static_cast<int>(i), -1,
              "unknown layer type '" + nodes[i].type + "'; replace the node with a known type");
    }
  }
}

// Edges from graphs edited through Graph are always well-formed; these checks guard graphs
// assembled some other way.
void resolve_edges(Work& w) {
  for (const Edge& e : w.g.edges()) {
    auto from = w.index.find(e.from.node), to = w.index.find(e.to.node);
    const std::string text = "the edge '" + e.from.node + "':" + std::to_string(e.from.port) +
                             " -> '" + e.to.node + "':" + std::to_string(e.to.port);
    if (from == w.index.end() || to == w.index.end()) {
      const bool to_known = to != w.index.end();
      w.error(to_known ? to->second : (from != w.index.end() ? from->second : -1), -1,
              text + " refers to a missing node '" + (to_known ? e.from.node : e.to.node) +
                  "'; delete the edge");
      continue;
    }
    const int f = from->second, t = to->second;
    const LayerType *ft = w.types[static_cast<size_t>(f)], *tt = w.types[static_cast<size_t>(t)];
    if (!ft || !tt) continue;  // already reported
    if (e.from.port < 0 || e.from.port >= static_cast<int>(ft->outputs.size()) || e.to.port < 0 ||
        e.to.port >= static_cast<int>(tt->inputs.size())) {
      w.error(t, -1, text + " uses a port that does not exist; delete the edge");
      continue;
    }
    w.in[static_cast<size_t>(t)][static_cast<size_t>(e.to.port)].push_back({f, e.from.port});
    w.succ[static_cast<size_t>(f)].push_back(t);
  }
}

// Members: reachable from an Input, or feeding a node that is. Without any Input node every node
// counts as a member, so that its own problems still show.
void classify(Work& w) {
  const size_t n = w.types.size();
  if (w.a.inputs.empty()) return;
  std::vector<char> live(n, 0), feeds(n, 0);
  std::vector<int> stack;
  for (size_t i = 0; i < n; ++i)
    if (is_input(w.types[i])) live[i] = 1, stack.push_back(static_cast<int>(i));
  while (!stack.empty()) {
    const int i = stack.back();
    stack.pop_back();
    for (int s : w.succ[static_cast<size_t>(i)])
      if (!live[static_cast<size_t>(s)]) live[static_cast<size_t>(s)] = 1, stack.push_back(s);
  }
  for (size_t i = 0; i < n; ++i)
    if (live[i]) feeds[i] = 1, stack.push_back(static_cast<int>(i));
  while (!stack.empty()) {
    const int i = stack.back();
    stack.pop_back();
    for (const auto& port : w.in[static_cast<size_t>(i)])
      for (const Source& s : port)
        if (!feeds[static_cast<size_t>(s.node)])
          feeds[static_cast<size_t>(s.node)] = 1, stack.push_back(s.node);
  }
  for (size_t i = 0; i < n; ++i)
    if (!feeds[i]) w.role[i] = Role::Dangling;
}

void check_ports(Work& w) {
  for (size_t i = 0; i < w.in.size(); ++i) {
    if (w.role[i] != Role::Member) continue;
    for (size_t p = 0; p < w.in[i].size(); ++p) {
      const auto& sources = w.in[i][p];
      const std::string port = "input " + std::to_string(p);
      if (sources.empty()) {
        w.error(static_cast<int>(i), static_cast<int>(p),
                port + " is not connected; connect an output to it");
      } else if (sources.size() > 1) {
        std::vector<std::string> from;
        for (const Source& s : sources) from.push_back(w.node(s.node).id);
        w.error(static_cast<int>(i), static_cast<int>(p),
                port + " has " + std::to_string(sources.size()) + " incoming edges (from " +
                    quoted(from) + "); an input takes one, so disconnect all but one " +
                    "(merge branches with Add or Concat)");
      }
    }
  }
}

// A node's module holds its parameters, so no other node can nest under its id.
void check_nesting(Work& w) {
  std::unordered_set<std::string> holders;
  for (size_t i = 0; i < w.types.size(); ++i)
    if (w.role[i] == Role::Member && w.types[i] && w.types[i]->make)
      holders.insert(w.node(static_cast<int>(i)).id);
  for (size_t i = 0; i < w.types.size(); ++i) {
    const std::string& id = w.node(static_cast<int>(i)).id;
    if (!holders.count(id)) continue;
    for (size_t dot = id.find('.'); dot != std::string::npos; dot = id.find('.', dot + 1)) {
      const std::string outer = id.substr(0, dot);
      if (!holders.count(outer)) continue;
      w.error(static_cast<int>(i), -1,
              "id '" + id + "' nests under node '" + outer +
                  "', whose module cannot hold other layers; rename one of them (e.g. '" + outer +
                  "_" + id.substr(dot + 1) + "')");
      break;
    }
  }
}

void find_output(Work& w) {
  std::vector<std::string> sinks, unused_inputs;
  for (size_t i = 0; i < w.types.size(); ++i) {
    if (w.role[i] != Role::Member || !w.succ[i].empty()) continue;
    (is_input(w.types[i]) ? unused_inputs : sinks).push_back(w.node(static_cast<int>(i)).id);
  }
  if (sinks.empty() && unused_inputs.size() == 1 && w.types.size() == 1) {
    w.a.output = unused_inputs.front();  // a bare Input passes its samples through
    return;
  }
  for (const auto& id : unused_inputs)
    w.warn(w.index.at(id), "is not connected to any layer; connect its output or delete it");
  if (sinks.empty() && !w.a.inputs.empty() && w.a.ok())
    w.error(-1, -1,
            "the network has no layers after its Input; connect the Input's output to "
            "the first layer");
  if (sinks.size() == 1) w.a.output = sinks.front();
  if (sinks.size() > 1)
    w.error(-1, -1,
            "the network has " + std::to_string(sinks.size()) + " outputs: " + quoted(sinks) +
                "; connect all but one of them onward, or delete the extra ones");
}

}  // namespace
}  // namespace detail

Analysis analyze(const Graph& graph) {
  using namespace detail;
  if (has_block_uses(graph)) return analyze_blocks(graph);
  Analysis a;
  Work w(graph, a);
  index_nodes(w);
  if (w.a.inputs.empty())
    a.diagnostics.push_back({Diagnostic::Severity::Error,
                             {},
                             -1,
                             "the graph has no Input node; add one (category Input), set its "
                             "shape and connect it to the first layer"});
  resolve_edges(w);
  classify(w);
  check_ports(w);
  order_nodes(w);
  report_cycles(w);
  check_nesting(w);
  find_output(w);
  infer_shapes(w);
  // Once, after the rest: a node on a cycle or with its own error already has its message.
  for (int i : w.order)
    if (w.role[static_cast<size_t>(i)] == Role::Dangling && !w.failed[static_cast<size_t>(i)])
      w.warn(i,
             "is not connected to the network (no path from an Input node) and is left "
             "out of it; connect it or delete it");
  for (int i : w.order) a.order.push_back(w.node(i).id);
  return a;
}

}  // namespace nw::graph
