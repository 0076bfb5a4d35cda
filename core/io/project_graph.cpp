#include "io/project_graph.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "graph/block.h"
#include "io/json_fields.h"
#include "io/project_blocks.h"

namespace nw::io::detail {

using graph::Graph;
using graph::LayerType;
using graph::Node;
using graph::PortRef;
using graph::Registry;

// "fc1" -> port 0 of fc1; "lstm:1" -> port 1 of lstm. Ids cannot hold ':', so the last one
// separates the port.
std::optional<PortRef> parse_port(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) return PortRef{text, 0};
  const std::string digits = text.substr(colon + 1);
  if (digits.empty() || digits.size() > 6 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return PortRef{text.substr(0, colon), std::stoi(digits)};
}

std::string port_text(const PortRef& p) {
  return p.port == 0 ? p.node : p.node + ":" + std::to_string(p.port);
}

namespace {

std::string ports_listing(const std::vector<graph::PortSpec>& ports, const char* kind,
                          const std::string& type) {
  if (ports.empty()) return type + " has no " + kind + " ports";
  std::vector<std::string> names;
  for (size_t i = 0; i < ports.size(); ++i)
    names.push_back(std::to_string(i) + ": " + ports[i].name);
  return type + " has " + std::to_string(ports.size()) + " " + kind +
         (ports.size() == 1 ? " port" : " ports") + " (" + join(names) + ")";
}

std::vector<std::string> param_names(const LayerType& t) {
  std::vector<std::string> out;
  for (const auto& p : t.params) out.push_back(p.name);
  return out;
}

// Inside a block body (`refs`), a value may refer to a block parameter: "$channels".
void parse_params(const nlohmann::json& j, const std::string& where, const LayerType& type,
                  bool refs, graph::ParamMap& params, std::vector<Problem>& problems) {
  if (!j.is_object()) {
    problems.push_back(
        {where,
         "expected an object of parameters such as {\"out_features\": 10}, got " + shown(j)});
    return;
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string at = child(where, it.key());
    const graph::ParamSpec* spec = type.param(it.key());
    if (!spec) {
      const auto names = param_names(type);
      problems.push_back(
          {at, type.name + " has no parameter '" + it.key() + "'" +
                   (names.empty() ? std::string("; it takes none")
                                  : suggestion(it.key(), names, "its parameters are"))});
      continue;
    }
    const std::string bad =
        refs && graph::has_param_ref(it.value()) ? "" : graph::check_param(*spec, it.value());
    if (!bad.empty()) {
      problems.push_back({at, bad});
      continue;
    }
    params[it.key()] = it.value();
  }
}

std::optional<std::array<double, 2>> parse_pos(const nlohmann::json& j, const std::string& where,
                                               std::vector<Problem>& problems) {
  const bool ok = j.is_array() && j.size() == 2 && j[0].is_number() && j[1].is_number() &&
                  std::isfinite(j[0].get<double>()) && std::isfinite(j[1].get<double>());
  if (!ok) {
    problems.push_back({where, "expected a position [x, y], got " + shown(j)});
    return std::nullopt;
  }
  return std::array<double, 2>{j[0].get<double>(), j[1].get<double>()};
}

// Reads one node. Returns nullopt when it cannot be added (no usable id or type); `id` is set
// whenever the node has an id at all, so that edges naming it are not reported twice.
std::optional<Node> parse_node(const nlohmann::json& j, const std::string& where, const Graph& g,
                               std::vector<Problem>& problems, std::string& id) {
  ObjectReader r(j, where, problems, R"({"id": "fc1", "type": "Linear"})");
  if (!r.ok()) return std::nullopt;
  Node node;
  if (auto s = read_string(r.require("id", "give the node an id such as \"fc1\""), r.at("id"),
                           problems)) {
    id = *s;  // even when invalid: edges naming it are then not reported a second time
    if (auto why = graph::check_node_id(*s))
      problems.push_back({r.at("id"), *why});
    else
      node.id = *s;
  }
  const LayerType* type = nullptr;
  if (auto s = read_string(r.require("type", "give the layer type such as \"Linear\""),
                           r.at("type"), problems)) {
    type = g.find_type(*s);
    if (!type && graph::is_block_type(*s)) {
      std::vector<std::string> names;
      for (const auto& b : g.blocks()) names.push_back(b.name);
      problems.push_back({r.at("type"), "unknown block " + in_quotes(graph::block_name(*s)) +
                                            (names.empty() ? "; the project defines no blocks"
                                                           : suggestion(graph::block_name(*s),
                                                                        names, "defined blocks"))});
    } else if (!type) {
      problems.push_back(
          {r.at("type"), "unknown layer type " + in_quotes(*s) +
                             suggestion(*s, Registry::instance().names(), "known types are")});
    } else {
      node.type = *s;
    }
  }
  if (const auto* p = r.take("params"); p && type)
    parse_params(*p, r.at("params"), *type, g.is_body(), node.params, problems);
  if (const auto* p = r.take("pos"))
    if (auto pos = parse_pos(*p, r.at("pos"), problems)) node.pos = *pos;
  if (auto t = read_bool(r.take("trainable"), r.at("trainable"), problems)) node.trainable = *t;
  if (auto l = read_string(r.take("label"), r.at("label"), problems)) node.label = *l;
  node.extra = r.unknown();
  if (node.id.empty() || !type) return std::nullopt;
  return node;
}

// False when there is no list of nodes at all (then checking the edges would only add noise).
bool parse_nodes(const nlohmann::json& j, const std::string& where, Graph& g,
                 std::set<std::string>& declared, std::vector<Problem>& problems) {
  if (!j.is_array()) {
    problems.push_back({where, "expected a list of nodes, got " + shown(j)});
    return false;
  }
  std::map<std::string, size_t> first_at;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string at = item(where, i);
    std::string id;
    std::optional<Node> node = parse_node(j[i], at, g, problems, id);
    if (!id.empty()) {
      if (auto it = first_at.find(id); it != first_at.end()) {
        problems.push_back({child(at, "id"), "duplicate id '" + id + "' (also " +
                                                 item(where, it->second) +
                                                 "); give each node its own id"});
        continue;
      }
      first_at[id] = i;
      declared.insert(id);
    }
    if (!node) continue;
    try {
      g.add_node(std::move(*node));
    } catch (const graph::GraphError& e) {
      problems.push_back({at, e.what()});
    }
  }
  return true;
}

std::string node_list(const Graph& g, const std::set<std::string>& declared) {
  std::vector<std::string> ids;
  for (const Node& n : g.nodes()) ids.push_back(n.id);
  for (const std::string& d : declared)
    if (!g.find(d)) ids.push_back(d);
  if (ids.empty()) return "there are no nodes";
  if (ids.size() > 20) {
    ids.resize(20);
    ids.push_back("...");
  }
  return "nodes are: " + join(ids);
}

// Checks one end of an edge; returns the port when it names an existing port. A node that was
// declared but could not be added already has its own problem, so it is not reported again.
std::optional<PortRef> edge_end(const nlohmann::json& v, bool is_from, const std::string& at,
                                const Graph& g, const std::set<std::string>& declared,
                                std::vector<Problem>& problems) {
  const std::string text = v.get<std::string>();
  const std::optional<PortRef> p = parse_port(text);
  if (!p) {
    problems.push_back(
        {at, "expected \"node\" or \"node:port\" with a port number, got " + in_quotes(text)});
    return std::nullopt;
  }
  const Node* n = g.find(p->node);
  if (!n) {
    if (!declared.count(p->node)) {
      const auto close = close_names(p->node, {declared.begin(), declared.end()});
      problems.push_back({at, "unknown node '" + p->node + "'; " +
                                  (close.empty() ? "" : "did you mean '" + close.front() + "'? ") +
                                  node_list(g, declared)});
    }
    return std::nullopt;
  }
  const LayerType* t = g.find_type(n->type);
  const auto& ports = is_from ? t->outputs : t->inputs;
  if (p->port < 0 || size_t(p->port) >= ports.size()) {
    const char* kind = is_from ? "output" : "input";
    problems.push_back({at, "node '" + p->node + "' has no " + kind + " port " +
                                std::to_string(p->port) + "; " +
                                ports_listing(ports, kind, n->type)});
    return std::nullopt;
  }
  return p;
}

void parse_edges(const nlohmann::json& j, const std::string& where, Graph& g,
                 const std::set<std::string>& declared, std::vector<Problem>& problems) {
  if (!j.is_array()) {
    problems.push_back(
        {where, "expected a list of edges such as [[\"input\", \"fc1\"]], got " + shown(j)});
    return;
  }
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string at = item(where, i);
    const nlohmann::json& e = j[i];
    if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_string()) {
      problems.push_back(
          {at, "expected [\"from\", \"to\"] (node ids, \"id:port\" for other ports than 0), got " +
                   shown(e)});
      continue;
    }
    const auto from = edge_end(e[0], true, at, g, declared, problems);
    const auto to = edge_end(e[1], false, at, g, declared, problems);
    if (!from || !to) continue;
    try {
      g.connect(*from, *to);
    } catch (const graph::GraphError& err) {
      problems.push_back({at, err.what()});
    }
  }
}

}  // namespace

void parse_nodes_and_edges(ObjectReader& r, Graph& g, std::vector<Problem>& problems) {
  std::set<std::string> declared;
  const auto* nodes = r.take("nodes");
  const bool have_nodes = !nodes || parse_nodes(*nodes, r.at("nodes"), g, declared, problems);
  if (const auto* edges = r.take("edges"); edges && have_nodes)
    parse_edges(*edges, r.at("edges"), g, declared, problems);
}

graph::Graph parse_graph(const nlohmann::json& j, const std::string& where,
                         std::vector<Problem>& problems) {
  Graph g;
  ObjectReader r(j, where, problems, R"({"nodes": [...], "edges": [...]})");
  if (!r.ok()) return g;
  // First: the nodes may use them.
  if (const auto* blocks = r.take("blocks")) parse_blocks(*blocks, r.at("blocks"), g, problems);
  parse_nodes_and_edges(r, g, problems);
  // Graph has no place to keep other keys, and a misspelt "edge" must not lose the edges silently.
  r.refuse_unknown("\"graph\"", {"blocks", "nodes", "edges"});
  return g;
}

namespace {

nlohmann::ordered_json params_to_json(const Graph& g, const Node& n) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  // Declaration order reads like the PyTorch constructor: in_channels, out_channels, kernel_size.
  if (const LayerType* t = g.find_type(n.type))
    for (const auto& spec : t->params)
      if (auto it = n.params.find(spec.name); it != n.params.end()) out[spec.name] = it->second;
  for (const auto& [name, value] : n.params)
    if (!out.contains(name)) out[name] = value;
  return out;
}

}  // namespace

void nodes_and_edges_to_json(const graph::Graph& g, nlohmann::ordered_json& out) {
  nlohmann::ordered_json nodes = nlohmann::ordered_json::array();
  for (const Node& n : g.nodes()) {
    nlohmann::ordered_json o;
    o["id"] = n.id;
    o["type"] = n.type;
    if (!n.label.empty()) o["label"] = n.label;
    if (!n.params.empty()) o["params"] = params_to_json(g, n);
    o["pos"] = {tidy_number(n.pos[0]), tidy_number(n.pos[1])};
    if (!n.trainable) o["trainable"] = false;
    for (auto it = n.extra.begin(); it != n.extra.end(); ++it)
      if (!o.contains(it.key())) o[it.key()] = it.value();
    nodes.push_back(std::move(o));
  }
  nlohmann::ordered_json edges = nlohmann::ordered_json::array();
  for (const graph::Edge& e : g.edges()) edges.push_back({port_text(e.from), port_text(e.to)});
  out["nodes"] = std::move(nodes);
  out["edges"] = std::move(edges);
}

nlohmann::ordered_json graph_to_json(const graph::Graph& g) {
  nlohmann::ordered_json out;
  // Only when there are some: a graph without blocks is written as format 1 wrote it.
  if (!g.blocks().empty()) out["blocks"] = blocks_to_json(g);
  nodes_and_edges_to_json(g, out);
  return out;
}

}  // namespace nw::io::detail
