#include "graph/block_expand.h"

#include <algorithm>
#include <optional>

namespace nw::graph {

bool has_block_uses(const Graph& g) {
  return std::any_of(g.nodes().begin(), g.nodes().end(),
                     [](const Node& n) { return is_block_type(n.type); });
}

namespace {

std::string names_of(const std::vector<ParamSpec>& params) {
  std::string out;
  for (const ParamSpec& p : params) out += (out.empty() ? "" : ", ") + p.name;
  return out.empty() ? "it has none" : "its parameters: " + out;
}

// What one use (or the top-level graph) became in the flat graph.
struct Instance {
  std::vector<std::vector<PortRef>> inputs;  // per input port: the flat input ports it feeds
  std::vector<PortRef> outputs;              // per output port: a flat output port, or {}
};

// The producer behind an edge's "from": a flat output port, or an input port of the block.
struct Source {
  std::optional<PortRef> flat;
  int block_port = -1;
};

class Expander {
 public:
  Expander(const Graph& top, Expansion& x) : top_(top), x_(x) {}

  void run() {
    Level level{top_, "", "", {}, true};
    expand_level(level, nullptr, nullptr);
  }

 private:
  // One graph being expanded: the top level, or the body of a use.
  struct Level {
    const Graph& g;
    std::string prefix;  // flat id prefix: "layer1.0."
    std::string path;    // message prefix: "layer1.0/"
    ParamMap env;        // block parameter values (complete), for "$name"
    bool trainable;
  };

  // The place of a level in messages: "layer1.0" (no trailing '/').
  static std::string here(const Level& lv) { return lv.path.substr(0, lv.path.size() - 1); }

  void fail(const std::string& message) {
    const std::string node = use_.empty() ? node_ : use_;
    for (const Diagnostic& d : x_.errors)
      if (d.node == node && d.message == message) return;
    x_.errors.push_back({Diagnostic::Severity::Error, node, -1, message});
  }

  // "$channels" -> the use's value; lists element by element.
  std::optional<ParamValue> resolve(const ParamValue& v, const Level& lv, const std::string& at) {
    if (v.is_array()) {
      ParamValue out = ParamValue::array();
      for (const auto& e : v) {
        auto r = resolve(e, lv, at);
        if (!r) return std::nullopt;
        out.push_back(std::move(*r));
      }
      return out;
    }
    const std::string ref = param_ref(v);
    if (ref.empty()) return v;
    auto it = lv.env.find(ref);
    if (it == lv.env.end()) {
      fail(at + "'$" + ref + "' is not a parameter of " +
           (stack_.empty()
                ? std::string("any block (this node is not inside one)")
                : "block '" + stack_.back() + "' (" + names_of(def_params_.back()) + ")") +
           "; declare it in the block or use a value");
      return std::nullopt;
    }
    if (it->second.is_null()) {
      fail(at + "block parameter '" + ref + "' has no value; set it on the use");
      return std::nullopt;
    }
    return it->second;
  }

  std::optional<ParamMap> resolve_params(const Node& n, const LayerType& t, const Level& lv) {
    ParamMap out;
    bool ok = true;
    for (const auto& [name, value] : n.params) {
      const std::string at = lv.path + n.id + ": " + name + ": ";
      auto r = resolve(value, lv, lv.path + n.id + ": ");
      if (!r) {
        ok = false;
        continue;
      }
      if (const ParamSpec* spec = t.param(name))
        if (const std::string bad = check_param(*spec, *r); !bad.empty()) {
          fail(at + bad + (has_param_ref(value) ? " (from " + value.dump() + ")" : ""));
          ok = false;
          continue;
        }
      out[name] = std::move(*r);
    }
    if (!ok) return std::nullopt;
    return out;
  }

  // Counts a layer or a use against kMaxExpandedNodes before any work on it: a use that fails
  // deep inside must still be counted, or a broken block used 10^5 times over expands (and
  // reports) each of its layers.
  bool count_one() {
    if (++added_ <= kMaxExpandedNodes) return true;
    exhausted_ = true;
    fail("the blocks expand to more than " + std::to_string(kMaxExpandedNodes) +
         " layers; nest fewer uses inside each other");
    return false;
  }

  bool add_layer(const Node& n, const Level& lv) {
    const LayerType* t = lv.g.find_type(n.type);
    if (!t) {
      fail(lv.path + n.id + ": unknown layer type '" + n.type + "'");
      return false;
    }
    if (!count_one()) return false;
    auto params = resolve_params(n, *t, lv);
    if (!params) return false;
    Node flat = n;
    flat.id = lv.prefix + n.id;
    flat.params = std::move(*params);
    flat.trainable = n.trainable && lv.trainable;
    if (const Node* clash = x_.flat.find(flat.id)) {
      auto o = x_.origin.find(clash->id);
      const std::string who = o == x_.origin.end()
                                  ? "node '" + clash->id + "'"
                                  : "'" + o->second.path + "' inside '" + o->second.use + "'";
      fail((lv.path.empty() ? "" : lv.path + n.id + ": ") + "its id '" + flat.id +
           "' is also the id of " + who + "; rename one of them");
      return false;
    }
    try {
      x_.flat.add_node(std::move(flat));
    } catch (const GraphError& e) {
      fail(lv.path + n.id + ": " + e.what());
      return false;
    }
    if (!use_.empty()) x_.origin[lv.prefix + n.id] = {use_, lv.path + n.id};
    return true;
  }

  // Expands the use `n` of level `lv` into `inst`; false when it cannot be.
  bool expand_use(const Node& n, const Level& lv, Instance& inst) {
    if (exhausted_ || !count_one()) return false;
    const std::string name = block_name(n.type);
    const std::string at = lv.path + n.id;
    const BlockDef* def = top_.find_block(name);
    if (!def) {
      fail((lv.path.empty() ? "" : at + ": ") + "unknown block '" + name +
           "'; define it (Group Into Block) or replace the node");
      return false;
    }
    if (std::find(stack_.begin(), stack_.end(), name) != stack_.end()) {
      std::string chain;
      for (const auto& s : stack_) chain += s + " -> ";
      fail((lv.path.empty() ? "" : at + ": ") + "block '" + name + "' contains itself (" + chain +
           name + "); a block cannot use itself, so remove node '" + n.id + "' from block '" +
           (stack_.empty() ? name : stack_.back()) + "'");
      return false;
    }
    if (static_cast<int>(stack_.size()) >= kMaxBlockDepth) {
      fail(at + ": blocks nest more than " + std::to_string(kMaxBlockDepth) +
           " deep here; ungroup some of them");
      return false;
    }
    Level inner{def->body, lv.prefix + n.id + ".", at + "/", {}, lv.trainable && n.trainable};
    for (const ParamSpec& p : def->params) inner.env[p.name] = p.default_value;
    const LayerType* t = top_.find_type(n.type);
    auto given = resolve_params(n, *t, lv);
    if (!given) return false;
    for (auto& [k, v] : *given) inner.env[k] = std::move(v);
    for (const ParamSpec& p : def->params)
      if (inner.env[p.name].is_null()) {
        fail(at + ": block parameter '" + p.name + "' has no value and block '" + name +
             "' gives it no default; set it on '" + n.id + "'");
        return false;
      }
    if (lv.path.empty()) x_.use_params[n.id] = inner.env;
    x_.groups[lv.prefix + n.id] = name;
    stack_.push_back(name);
    def_params_.push_back(def->params);
    const bool ok = expand_level(inner, def, &inst);
    stack_.pop_back();
    def_params_.pop_back();
    return ok;
  }

  // Adds the nodes and edges of one level; `def` and `inst` are null at the top level.
  bool expand_level(const Level& lv, const BlockDef* def, Instance* inst) {
    std::map<std::string, Instance> uses;
    std::map<std::string, int> port_of;  // the body's Input nodes -> block input port
    if (def) {
      inst->inputs.resize(def->inputs.size());
      inst->outputs.resize(def->outputs.size());
      for (size_t i = 0; i < def->inputs.size(); ++i) {
        const Node* in = lv.g.find(def->inputs[i]);
        if (!in || in->type != "Input") {
          fail(here(lv) + ": block '" + def->name + "' input port '" + def->inputs[i] +
               "' has no Input node of that id in its body; add one or fix the port list");
          return false;
        }
        port_of[def->inputs[i]] = static_cast<int>(i);
      }
    }
    bool ok = true;
    for (const Node& n : lv.g.nodes()) {
      if (lv.path.empty()) {
        use_.clear();
        node_ = n.id;
      }
      if (def && n.type == "Input") {
        if (!port_of.count(n.id)) {
          fail(lv.path + n.id + ": block '" + def->name +
               "' has an Input node that is not one of its input ports; list it in the "
               "block's inputs or delete it");
          ok = false;
        }
        continue;
      }
      if (exhausted_) return false;
      if (!is_block_type(n.type)) {
        ok = add_layer(n, lv) && ok;
        continue;
      }
      if (lv.path.empty()) use_ = n.id;
      Instance child;
      if (!expand_use(n, lv, child)) {
        ok = false;
        continue;
      }
      if (lv.path.empty()) {
        x_.use_inputs[n.id] = child.inputs;
        x_.use_outputs[n.id] = child.outputs;
      }
      uses.emplace(n.id, std::move(child));
    }
    if (lv.path.empty()) use_.clear();
    if (!ok && def) return false;

    auto source = [&](const PortRef& from) -> Source {
      if (auto p = port_of.find(from.node); p != port_of.end()) return {std::nullopt, p->second};
      if (auto u = uses.find(from.node); u != uses.end()) {
        const auto& outs = u->second.outputs;
        if (from.port < 0 || size_t(from.port) >= outs.size() ||
            outs[size_t(from.port)].node.empty())
          return {};
        return {outs[size_t(from.port)], -1};
      }
      const Node* n = lv.g.find(from.node);
      if (!n || is_block_type(n->type)) return {};  // a failed use
      return {PortRef{lv.prefix + from.node, from.port}, -1};
    };
    auto sinks = [&](const PortRef& to) -> std::vector<PortRef> {
      if (auto u = uses.find(to.node); u != uses.end()) {
        const auto& ins = u->second.inputs;
        if (to.port < 0 || size_t(to.port) >= ins.size()) return {};
        return ins[size_t(to.port)];
      }
      const Node* n = lv.g.find(to.node);
      if (!n || is_block_type(n->type)) return {};
      return {PortRef{lv.prefix + to.node, to.port}};
    };

    for (const Edge& e : lv.g.edges()) {
      if (lv.path.empty()) node_ = e.to.node;
      const Source s = source(e.from);
      const std::vector<PortRef> to = sinks(e.to);
      if (s.block_port >= 0) {
        auto& list = inst->inputs[static_cast<size_t>(s.block_port)];
        list.insert(list.end(), to.begin(), to.end());
        continue;
      }
      if (!s.flat) continue;  // from a use that failed: already reported
      for (const PortRef& t : to) {
        if (!x_.flat.find(s.flat->node) || !x_.flat.find(t.node)) continue;
        try {
          x_.flat.connect(*s.flat, t);
        } catch (const GraphError& err) {
          fail(lv.path + err.what());
          ok = false;
        }
      }
    }
    if (!def) return ok;
    for (size_t i = 0; i < def->outputs.size(); ++i) {
      const BlockOutput& out = def->outputs[i];
      const Node* n = lv.g.find(out.from.node);
      const LayerType* t = n ? lv.g.find_type(n->type) : nullptr;
      const std::string what = "block '" + def->name + "' output '" + out.name + "'";
      if (!n || !t || out.from.port < 0 || size_t(out.from.port) >= t->outputs.size()) {
        fail(here(lv) + ": " + what + " comes from '" + out.from.node + ":" +
             std::to_string(out.from.port) +
             "', which is not an output port of a node in its body; connect it to one");
        return false;
      }
      const Source s = source(out.from);
      if (s.block_port >= 0) {
        fail(here(lv) + ": " + what + " comes straight from input '" +
             def->inputs[size_t(s.block_port)] + "'; put an Identity node between them");
        return false;
      }
      if (!s.flat) return false;
      inst->outputs[i] = *s.flat;
    }
    return ok;
  }

  const Graph& top_;
  Expansion& x_;
  std::vector<std::string> stack_;                  // the blocks being expanded, outermost first
  std::vector<std::vector<ParamSpec>> def_params_;  // their parameters
  std::string use_;                                 // the top-level use being expanded, or empty
  std::string node_;  // the top-level node (or edge target) being added
  size_t added_ = 0;
  bool exhausted_ = false;  // past kMaxExpandedNodes: stop at once
};

}  // namespace

Expansion expand_blocks(const Graph& g) {
  Expansion x;
  Expander(g, x).run();
  return x;
}

}  // namespace nw::graph
