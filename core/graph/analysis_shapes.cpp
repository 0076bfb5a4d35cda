// The shape pass of analyze(): completes each node's parameters (defaults overlaid with the
// values the user pinned), reports bad and missing ones, then runs the shape rules in topological
// order, filling inferred parameters from the incoming shapes. A node after an error gets no
// shapes and no message of its own: the first error is the one to fix.
#include <exception>

#include "graph/analysis_internal.h"

namespace nw::graph::detail {

namespace {

std::string valid_names(const LayerType& t) {
  if (t.params.empty()) return "it takes no parameters";
  std::string out;
  for (const ParamSpec& p : t.params) out += (out.empty() ? "" : ", ") + p.name;
  return "valid: " + out;
}

// Defaults overlaid with the node's values; reports the values that do not fit their spec.
ParamMap complete_params(Work& w, int i, std::vector<std::string>& pinned) {
  const LayerType& t = *w.types[static_cast<size_t>(i)];
  const Node& node = w.node(i);
  ParamMap params;
  for (const ParamSpec& p : t.params) params[p.name] = p.default_value;
  for (const auto& [name, value] : node.params) {
    const ParamSpec* spec = t.param(name);
    if (!spec) {
      w.error(i, -1, "has no parameter '" + name + "' (" + valid_names(t) + "); remove it");
      continue;
    }
    if (const std::string bad = check_param(*spec, value); !bad.empty()) {
      w.error(i, -1, name + ": " + bad);
      continue;
    }
    params[name] = value;
    pinned.push_back(name);
  }
  if (w.role[static_cast<size_t>(i)] != Role::Member) return params;
  for (const ParamSpec& p : t.params) {
    // Null is a value for optional floats (BatchNorm's momentum=None); inferred ones come later.
    if (p.inferred || p.kind == ParamKind::OptionalFloat || !params[p.name].is_null()) continue;
    w.error(i, -1,
            p.name + " is required and has no value; set it in the inspector" +
                (p.description.empty() ? std::string() : " (" + p.description + ")"));
  }
  return params;
}

// A sample of more than kMaxSampleValues values is a mistake (an Input shape of
// [1000000000, 1000000000]); refusing it here also keeps the products the next rules take
// (Flatten, Linear's in_features x out_features) inside int64.
std::string too_large(const std::vector<SampleShape>& outputs) {
  for (size_t port = 0; port < outputs.size(); ++port) {
    int64_t values = 1;
    for (int64_t d : outputs[port])
      if (d > 0 && (__builtin_mul_overflow(values, d, &values) || values > kMaxSampleValues))
        return "output " + std::to_string(port) + " " + format_shape(outputs[port]) +
               " has more than " + std::to_string(kMaxSampleValues) +
               " values per sample, the most Netwright handles; use smaller sizes";
  }
  return {};
}

}  // namespace

void infer_shapes(Work& w) {
  const size_t n = w.types.size();
  std::vector<ParamMap> params(n);
  std::vector<std::vector<std::string>> pinned(n);
  for (size_t i = 0; i < n; ++i)
    if (w.types[i]) params[i] = complete_params(w, static_cast<int>(i), pinned[i]);

  std::vector<std::vector<SampleShape>> outputs(n);
  std::vector<char> known(n, 0);
  for (int i : w.order) {
    const auto ui = static_cast<size_t>(i);
    const LayerType* t = w.types[ui];
    if (!t || w.role[ui] != Role::Member) continue;
    const bool failed = w.failed[ui];
    ShapeContext ctx;
    for (const auto& port : w.in[ui]) {
      // check_ports made sure there is exactly one, unless it failed the node.
      if (port.size() != 1) break;
      const Source& s = port.front();
      if (!known[static_cast<size_t>(s.node)]) break;
      ctx.inputs.push_back(outputs[static_cast<size_t>(s.node)][static_cast<size_t>(s.port)]);
    }
    if (ctx.inputs.size() != w.in[ui].size()) {
      w.failed[ui] = 1;  // an upstream node already has the message
      continue;
    }
    ctx.params = params[ui];
    ctx.pinned = pinned[ui];
    if (failed) {
      // Already reported (a required parameter without a value, say): no output shape, but
      // what the input tells is still known, and shown (a new Linear's in_features, 784).
      try {
        t->shape(ctx);
      } catch (const std::exception&) {  // the reason is in the diagnostics already
      }
      params[ui] = std::move(ctx.params);
      continue;
    }
    std::vector<SampleShape> out;
    try {
      out = t->shape(ctx);
    } catch (const ShapeRuleError& e) {
      w.error(i, e.port, e.what());
      continue;
    } catch (const std::exception& e) {
      w.error(
          i, -1,
          std::string("cannot work out the output shape (") + e.what() + "); check the parameters");
      continue;
    }
    if (out.size() != t->outputs.size()) {
      w.error(i, -1,
              "the shape rule of " + t->name + " gives " + std::to_string(out.size()) +
                  " shapes for " + std::to_string(t->outputs.size()) +
                  " output ports; this is a bug in its registry entry, please report it");
      continue;
    }
    if (const std::string big = too_large(out); !big.empty()) {
      w.error(i, -1, big);
      continue;
    }
    outputs[ui] = std::move(out);
    params[ui] = std::move(ctx.params);
    known[ui] = 1;
  }

  for (size_t i = 0; i < n; ++i) {
    NodeInfo& info = w.a.nodes[w.node(static_cast<int>(i)).id];
    info.params = std::move(params[i]);
    info.inputs.resize(w.in[i].size());
    for (size_t p = 0; p < w.in[i].size(); ++p) {
      if (w.in[i][p].empty()) continue;
      const Source& s = w.in[i][p].front();
      if (known[static_cast<size_t>(s.node)])
        info.inputs[p] = outputs[static_cast<size_t>(s.node)][static_cast<size_t>(s.port)];
    }
    info.outputs = outputs[i];  // a copy: later nodes read it as their input
    info.shapes_known = known[i];
  }
}

}  // namespace nw::graph::detail
