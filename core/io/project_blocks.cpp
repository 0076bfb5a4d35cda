#include "io/project_blocks.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "graph/block.h"
#include "io/project_graph.h"

namespace nw::io::detail {

namespace {

using graph::BlockDef;
using graph::ParamSpec;

std::vector<std::string> kind_names() {
  std::vector<std::string> out;
  for (const auto& [name, _] : graph::block_param_kinds()) out.push_back(name);
  return out;
}

std::optional<ParamSpec> parse_param(const json& j, const std::string& where,
                                     std::vector<Problem>& problems) {
  ObjectReader r(j, where, problems, R"({"name": "channels", "type": "int", "default": 64})");
  if (!r.ok()) return std::nullopt;
  ParamSpec p;
  bool ok = true;
  if (auto name = read_string(r.require("name", "name the parameter, e.g. \"channels\""),
                              r.at("name"), problems)) {
    // The same rule as block names: "$name" must read as one word.
    if (auto bad = graph::check_block_name(*name)) {
      std::string m = *bad;  // "block name 'x y' contains ' '; ..."
      if (m.rfind("block name", 0) == 0) m = "parameter name" + m.substr(10);
      problems.push_back({r.at("name"), m});
      ok = false;
    }
    p.name = *name;
  } else {
    ok = false;
  }
  if (auto kind = read_choice(r.require("type", "give its type, e.g. \"int\""), r.at("type"),
                              kind_names(), problems))
    p.kind = *graph::block_param_kind(*kind);
  else
    ok = false;
  if (p.kind == graph::ParamKind::Padding) p.choices = {"same", "valid"};
  if (auto v = read_number(r.take("min"), r.at("min"), -1e300, 1e300, problems)) p.min = *v;
  if (auto v = read_number(r.take("max"), r.at("max"), -1e300, 1e300, problems)) p.max = *v;
  if (auto d = read_string(r.take("description"), r.at("description"), problems))
    p.description = *d;
  if (const json* d = r.take("default"); d && !d->is_null() && ok) {
    if (const std::string bad = graph::check_param(p, *d); !bad.empty()) {
      problems.push_back({r.at("default"), bad});
      ok = false;
    }
    p.default_value = *d;
  }
  r.refuse_unknown("a block parameter", {"name", "type", "default", "min", "max", "description"});
  if (!ok) return std::nullopt;
  return p;
}

std::vector<std::string> parse_inputs(const json* j, const std::string& where,
                                      std::vector<Problem>& problems) {
  std::vector<std::string> out;
  if (!j) return out;
  if (!j->is_array()) {
    problems.push_back(
        {where, "expected a list of input port names such as [\"x\"], got " + shown(*j)});
    return out;
  }
  for (size_t i = 0; i < j->size(); ++i)
    if (auto s = read_string(&(*j)[i], item(where, i), problems)) out.push_back(*s);
  return out;
}

std::vector<graph::BlockOutput> parse_outputs(const json* j, const std::string& where,
                                              std::vector<Problem>& problems) {
  std::vector<graph::BlockOutput> out;
  if (!j) return out;
  if (!j->is_array()) {
    problems.push_back(
        {where,
         "expected a list such as [{\"name\": \"out\", \"from\": \"relu2\"}], got " + shown(*j)});
    return out;
  }
  for (size_t i = 0; i < j->size(); ++i) {
    ObjectReader r((*j)[i], item(where, i), problems, R"({"name": "out", "from": "relu2"})");
    if (!r.ok()) continue;
    auto name =
        read_string(r.require("name", "name the port, e.g. \"out\""), r.at("name"), problems);
    auto from = read_string(r.require("from", "name the body's node that feeds it"), r.at("from"),
                            problems);
    r.refuse_unknown("a block output", {"name", "from"});
    if (!name || !from) continue;
    auto port = parse_port(*from);
    if (!port) {
      problems.push_back(
          {r.at("from"), "expected \"node\" or \"node:port\", got " + in_quotes(*from)});
      continue;
    }
    out.push_back({*name, *port});
  }
  return out;
}

// What the ports of a definition name must be in its body.
void check_ports(const BlockDef& def, const std::string& where, std::vector<Problem>& problems) {
  bool inputs_ok = true;
  for (size_t i = 0; i < def.inputs.size(); ++i) {
    const graph::Node* n = def.body.find(def.inputs[i]);
    if (n && n->type == "Input") continue;
    inputs_ok = false;
    problems.push_back({item(child(where, "inputs"), i),
                        "'" + def.inputs[i] +
                            "' is not an Input node of the block's body; add "
                            "{\"id\": \"" +
                            def.inputs[i] + "\", \"type\": \"Input\"} to its nodes"});
  }
  // Once the listed ones are right: a misspelt name would otherwise be reported twice.
  for (const graph::Node& n : def.body.nodes())
    if (inputs_ok && n.type == "Input" &&
        std::find(def.inputs.begin(), def.inputs.end(), n.id) == def.inputs.end())
      problems.push_back({child(where, "inputs"),
                          "the body's Input node '" + n.id +
                              "' is not an input port; list it in \"inputs\" or delete it"});
  for (size_t i = 0; i < def.outputs.size(); ++i) {
    const graph::PortRef& from = def.outputs[i].from;
    const graph::Node* n = def.body.find(from.node);
    const graph::LayerType* t = n ? def.body.find_type(n->type) : nullptr;
    const std::string at = child(item(child(where, "outputs"), i), "from");
    if (!t)
      problems.push_back({at, "'" + from.node + "' is not a node of the block's body; name one"});
    else if (from.port >= static_cast<int>(t->outputs.size()))
      problems.push_back({at, "node '" + from.node + "' has no output port " +
                                  std::to_string(from.port) + "; it has " +
                                  std::to_string(t->outputs.size())});
  }
}

struct Pending {
  std::string name, where;
  const json* def;
};

}  // namespace

void parse_blocks(const json& j, const std::string& where, graph::Graph& g,
                  std::vector<Problem>& problems) {
  if (!j.is_array()) {
    problems.push_back({where, "expected a list of block definitions, got " + shown(j)});
    return;
  }
  std::vector<Pending> pending;
  std::set<std::string> names;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string at = item(where, i);
    ObjectReader r(j[i], at, problems, R"({"name": "BasicBlock", "inputs": [...], ...})");
    if (!r.ok()) continue;
    BlockDef def;
    auto name = read_string(r.require("name", "name the block, e.g. \"BasicBlock\""), r.at("name"),
                            problems);
    if (!name) continue;
    if (auto bad = graph::check_block_name(*name)) {
      problems.push_back({r.at("name"), *bad});
      continue;
    }
    if (!names.insert(*name).second) {
      problems.push_back({r.at("name"), "a second block named '" + *name + "'; rename one"});
      continue;
    }
    def.name = *name;
    if (auto d = read_string(r.take("description"), r.at("description"), problems))
      def.description = *d;
    if (const json* ps = r.take("params")) {
      if (!ps->is_array())
        problems.push_back({r.at("params"),
                            "expected a list of parameters such as [{\"name\": "
                            "\"channels\", \"type\": \"int\"}], got " +
                                shown(*ps)});
      else
        for (size_t k = 0; k < ps->size(); ++k)
          if (auto p = parse_param((*ps)[k], item(r.at("params"), k), problems))
            def.params.push_back(std::move(*p));
    }
    def.inputs = parse_inputs(r.take("inputs"), r.at("inputs"), problems);
    def.outputs =
        parse_outputs(r.require("outputs", "declare its output ports"), r.at("outputs"), problems);
    r.take("nodes");
    r.take("edges");
    r.refuse_unknown("a block",
                     {"name", "description", "params", "inputs", "outputs", "nodes", "edges"});
    try {
      g.define_block(std::move(def));
      pending.push_back({*name, at, &j[i]});
    } catch (const graph::GraphError& e) {
      problems.push_back({at, e.what()});
    }
  }
  // The bodies, once every interface is known.
  for (const Pending& p : pending) {
    std::vector<Problem> ignored;  // the keys were checked above
    ObjectReader r(*p.def, p.where, ignored);
    graph::Graph& body = g.block_body(p.name);
    parse_nodes_and_edges(r, body, problems);
    check_ports(*g.find_block(p.name), p.where, problems);
  }
}

ordered_json block_to_json(const BlockDef& def) {
  ordered_json b;
  b["name"] = def.name;
  if (!def.description.empty()) b["description"] = def.description;
  if (!def.params.empty()) {
    ordered_json params = ordered_json::array();
    for (const ParamSpec& p : def.params) {
      ordered_json o;
      o["name"] = p.name;
      o["type"] = graph::block_param_kind_name(p.kind);
      if (!p.default_value.is_null()) o["default"] = p.default_value;
      if (std::isfinite(p.min)) o["min"] = tidy_number(p.min);
      if (std::isfinite(p.max)) o["max"] = tidy_number(p.max);
      if (!p.description.empty()) o["description"] = p.description;
      params.push_back(std::move(o));
    }
    b["params"] = std::move(params);
  }
  b["inputs"] = def.inputs;
  ordered_json outputs = ordered_json::array();
  for (const auto& o : def.outputs)
    outputs.push_back({{"name", o.name}, {"from", port_text(o.from)}});
  b["outputs"] = std::move(outputs);
  nodes_and_edges_to_json(def.body, b);
  return b;
}

ordered_json blocks_to_json(const graph::Graph& g) {
  ordered_json out = ordered_json::array();
  for (const BlockDef& def : g.blocks()) out.push_back(block_to_json(def));
  return out;
}

}  // namespace nw::io::detail
