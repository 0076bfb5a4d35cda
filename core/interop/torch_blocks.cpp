#include "interop/torch_blocks.h"

#include <algorithm>
#include <queue>

#include "graph/block_expand.h"
#include "graph/torch_code_rule.h"
#include "interop/python_text.h"
#include "interop/torch_node_writing.h"
#include "tensor/errors.h"

namespace nw::interop {

namespace {

using graph::ParamValue;

// "$k" -> env's k, element by element in lists (expansion has checked every reference).
ParamValue resolve(const ParamValue& v, const graph::ParamMap& env) {
  if (v.is_array()) {
    ParamValue out = ParamValue::array();
    for (const auto& e : v) out.push_back(resolve(e, env));
    return out;
  }
  const std::string ref = graph::param_ref(v);
  return ref.empty() ? v : env.at(ref);
}

// The body's nodes in a topological order, earliest-added first among the ready ones.
std::vector<const graph::Node*> body_order(const graph::Graph& body) {
  const auto& nodes = body.nodes();
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < nodes.size(); ++i) index[nodes[i].id] = i;
  std::vector<int> pending(nodes.size(), 0);
  for (const graph::Edge& e : body.edges()) ++pending[index.at(e.to.node)];
  std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (pending[i] == 0) ready.push(i);
  std::vector<const graph::Node*> order;
  while (!ready.empty()) {
    const size_t i = ready.top();
    ready.pop();
    order.push_back(&nodes[i]);
    for (const graph::Edge& e : body.edges_out_of(nodes[i].id))
      if (--pending[index.at(e.to.node)] == 0) ready.push(index.at(e.to.node));
  }
  return order;
}

std::string docstring(const std::string& text) {
  std::string words = text;
  for (char& c : words)
    if (c == '\n' || c == '"' || c == '\\') c = ' ';
  std::vector<std::string> lines{""};
  for (size_t at = 0; at < words.size();) {
    size_t end = words.find(' ', at);
    if (end == std::string::npos) end = words.size();
    const std::string word = words.substr(at, end - at);
    at = end + 1;
    if (word.empty()) continue;
    if (!lines.back().empty() && lines.back().size() + 1 + word.size() > python::kMaxLine - 8)
      lines.emplace_back();
    lines.back() += (lines.back().empty() ? "" : " ") + word;
  }
  if (lines.size() == 1 && lines[0].size() + 10 <= python::kMaxLine)
    return "    \"\"\"" + lines[0] + "\"\"\"\n\n";
  std::string out = "    \"\"\"" + lines[0] + "\n";
  for (size_t i = 1; i < lines.size(); ++i) out += "    " + lines[i] + "\n";
  return out + "    \"\"\"\n\n";
}

// "    def __init__(self, a, b=1):" with arguments on aligned lines past 79 columns.
std::string def_line(const std::string& head, const std::vector<std::string>& args) {
  const std::string start = "    def " + head + "(";
  std::string out = start, line = start;
  std::vector<std::string> all = {"self"};
  all.insert(all.end(), args.begin(), args.end());
  for (size_t i = 0; i < all.size(); ++i) {
    const std::string piece = all[i] + (i + 1 < all.size() ? "," : "):");
    if (i && line.size() + 1 + piece.size() > python::kMaxLine) {
      out += std::string("\n").append(start.size(), ' ');
      line = std::string(start.size(), ' ');
    } else if (i) {
      out += " ";
      line += " ";
    }
    out += piece;
    line += piece;
  }
  return out + "\n";
}

}  // namespace

BlockClasses::BlockClasses(const graph::Graph& graph, const graph::Analysis& analysis,
                           std::set<std::string>& names)
    : graph_(graph), analysis_(analysis) {
  groups_ = graph::expand_blocks(graph).groups;
  // Each use's block parameters: a top-level use's from the analysis, a nested one's resolved
  // against the use it sits in (a parent's prefix sorts before its children's).
  for (const auto& [use, block] : groups_) {
    const graph::BlockDef& def = *graph.find_block(block);
    std::string parent;
    for (const auto& [p, _] : groups_)
      if (use.size() > p.size() && use.compare(0, p.size() + 1, p + ".") == 0 &&
          p.size() > parent.size())
        parent = p;
    if (parent.empty()) {
      env_[use] = analysis.nodes.at(use).params;
      continue;
    }
    graph::ParamMap env;
    for (const graph::ParamSpec& p : def.params) env[p.name] = p.default_value;
    const graph::Node& n =
        graph.find_block(groups_.at(parent))->body.node(use.substr(parent.size() + 1));
    for (const auto& [k, v] : n.params) env[k] = resolve(v, env_.at(parent));
    env_[use] = std::move(env);
  }
  for (const auto& [use, block] : groups_) {
    auto [it, fresh] = classes_.try_emplace(block);
    if (fresh) it->second.name = python::variable(block, names);
    it->second.uses.push_back(use);
  }
  for (const auto& [block, _] : classes_) write_class(block);
}

graph::ParamValue BlockClasses::value_at(const Argument& a, const std::string& use) const {
  return a.param.empty() ? a.at.at(use) : env_.at(use).at(a.param);
}

std::string BlockClasses::call(const std::string& use) const {
  const Class& c = classes_.at(groups_.at(use));
  std::string out = c.name + "(";
  for (size_t i = 0; i < c.args.size(); ++i)
    out += (i ? ", " : "") + c.args[i].name + "=" + graph::python_literal(value_at(c.args[i], use));
  return out + ")";
}

void BlockClasses::write_class(const std::string& block) {
  Class& c = classes_.at(block);
  if (c.written) return;
  c.written = true;
  const graph::BlockDef& def = *graph_.find_block(block);
  const std::vector<const graph::Node*> order = body_order(def.body);
  // Nested blocks first: their extra arguments are values this class passes on.
  for (const graph::Node* n : order)
    if (graph::is_block_type(n->type)) write_class(graph::block_name(n->type));

  std::set<std::string> arg_names = {"self"};
  for (const graph::ParamSpec& p : def.params) {
    if (!python::is_identifier(p.name) || p.name == "self")
      throw Error("block '" + block + "': its parameter '" + p.name +
                  "' cannot be a Python argument name; rename it");
    arg_names.insert(p.name);
    c.args.push_back({p.name, p.name, p.default_value, {}});
  }
  const std::string where = "block '" + block + "'";

  // The expression of one parameter of body node `n`, given its value at each use.
  auto expression_for = [&](const graph::Node& n, const std::string& name,
                            const std::vector<ParamValue>& values) -> std::optional<std::string> {
    if (auto b = n.params.find(name); b != n.params.end())
      if (const std::string ref = graph::param_ref(b->second); !ref.empty()) return ref;
    if (std::all_of(values.begin(), values.end(),
                    [&](const ParamValue& v) { return v == values[0]; }))
      return std::nullopt;
    for (const Argument& a : c.args) {
      bool same = true;
      for (size_t i = 0; i < c.uses.size() && same; ++i) same = value_at(a, c.uses[i]) == values[i];
      if (same) return a.name;
    }
    std::string arg = name;
    if (python::is_identifier(arg) && !arg_names.count(arg))
      arg_names.insert(arg);
    else
      arg = python::variable(n.id + "_" + name, arg_names);
    Argument extra{arg, "", nullptr, {}};
    for (size_t i = 0; i < c.uses.size(); ++i) extra.at[c.uses[i]] = values[i];
    c.args.push_back(std::move(extra));
    return arg;
  };

  // Forward's variables: the inputs, then one per used output port.
  std::set<std::string> taken = {"self", "torch", "nn", "F", "np", "h5py"};
  std::map<std::pair<std::string, int>, std::string> vars;
  std::vector<std::string> inputs;
  for (const std::string& in : def.inputs) {
    inputs.push_back(python::variable(in, taken));
    vars[{in, 0}] = inputs.back();
  }
  auto port_var = [&](const std::string& id, int port) {
    auto [it, fresh] = vars.try_emplace({id, port});
    if (fresh) it->second = python::variable(port ? id + "_hidden" : id, taken);
    return it->second;
  };
  for (const graph::Node* n : order)
    for (const graph::Edge& e : def.body.edges_out_of(n->id)) port_var(n->id, e.from.port);
  for (const graph::BlockOutput& o : def.outputs) port_var(o.from.node, o.from.port);

  std::set<std::string> containers;
  std::string init, body;
  for (const graph::Node* n : order) {
    if (std::find(def.inputs.begin(), def.inputs.end(), n->id) != def.inputs.end()) continue;
    const graph::LayerType* type = def.body.find_type(n->type);
    if (!type) throw Error(where + ", node '" + n->id + "': unknown type '" + n->type + "'");
    std::vector<std::string> in(type->inputs.size(), "_"), out;
    for (const graph::Edge& e : def.body.edges_into(n->id))
      in.at(size_t(e.to.port)) = vars.at({e.from.node, e.from.port});
    for (size_t p = 0; p < type->outputs.size(); ++p) {
      auto it = vars.find({n->id, int(p)});
      out.push_back(it == vars.end() ? "_" : it->second);
    }
    const std::string module = module_path(n->id);
    const std::string at = where + ", node '" + n->id + "' (" + n->type + "): ";
    std::string constructor;
    std::vector<std::string> lines;
    if (graph::is_block_type(n->type)) {
      // A nested use: its class's arguments, as the values or the expressions they take here.
      const Class& inner = classes_.at(graph::block_name(n->type));
      constructor = inner.name + "(";
      for (size_t i = 0; i < inner.args.size(); ++i) {
        std::vector<ParamValue> values;
        for (const std::string& use : c.uses)
          values.push_back(value_at(inner.args[i], use + "." + n->id));
        const std::string& name = inner.args[i].name;
        const std::optional<std::string> e = expression_for(*n, name, values);
        constructor += (i ? ", " : "") + name + "=" + (e ? *e : graph::python_literal(values[0]));
      }
      constructor += ")";
      std::string targets;
      for (size_t p = 0; p < out.size(); ++p) targets += (p ? ", " : "") + out[p];
      std::string args;
      for (size_t p = 0; p < in.size(); ++p) args += (p ? ", " : "") + in[p];
      lines.push_back(targets + " = " + module + "(" + args + ")");
    } else {
      if (!type->torch_code)
        throw Error(at + "this layer type has no PyTorch code rule; replace the node");
      // The parameters that take expressions, from their values at every use.
      std::map<std::string, std::string> expressions;
      const graph::NodeInfo& first = analysis_.inner.at(c.uses.front() + "." + n->id);
      for (const auto& [name, _] : first.params) {
        std::vector<ParamValue> values;
        for (const std::string& use : c.uses)
          values.push_back(analysis_.inner.at(use + "." + n->id).params.at(name));
        if (auto e = expression_for(*n, name, values)) expressions[name] = *e;
      }
      // Written for every use: one class holds them only when the code is the same.
      for (size_t i = 0; i < c.uses.size(); ++i) {
        std::set<std::string> scratch = taken;
        NodeWriting code(*n, *type, analysis_.inner.at(c.uses[i] + "." + n->id), in, out, scratch,
                         module, expressions);
        type->torch_code(code);
        if (i == 0) {
          constructor = code.constructor();
          lines = code.lines();
          taken = scratch;
        } else if (code.constructor() != constructor || code.lines() != lines) {
          throw Error(at + "its PyTorch code at use '" + c.uses[i] + "' (" + code.constructor() +
                      ") differs from that at use '" + c.uses[0] + "' (" + constructor +
                      ") in more than its parameters, so one nn.Module class cannot hold it; "
                      "make the layer's parameters block parameters, or use two blocks");
        }
      }
    }
    if (!constructor.empty()) {
      check_id(n->id, at);
      add_module_lines(n->id, constructor, containers, init, 8);
      for (const std::string& use : c.uses) modules_.insert(use + "." + n->id);
    }
    for (const std::string& line : lines) body += python::wrap(line, 8);
  }

  // Arguments without a default first, as Python requires; calls name every argument.
  std::stable_partition(c.args.begin(), c.args.end(),
                        [](const Argument& a) { return a.fallback.is_null(); });
  std::vector<std::string> params;
  for (const Argument& a : c.args) {
    params.push_back(a.name);
    if (!a.fallback.is_null()) params.back().append("=").append(graph::python_literal(a.fallback));
  }
  std::string returns;
  for (size_t i = 0; i < def.outputs.size(); ++i)
    returns += (i ? ", " : "") + vars.at({def.outputs[i].from.node, def.outputs[i].from.port});

  std::string out = "class " + c.name + "(nn.Module):\n";
  out += docstring(def.description.empty() ? "The block " + block + "." : def.description);
  out += def_line("__init__", params) + "        super().__init__()\n" + init + "\n";
  out += def_line("forward", inputs) + body + "        return " + returns + "\n\n\n";
  text_ += out;
}

}  // namespace nw::interop
