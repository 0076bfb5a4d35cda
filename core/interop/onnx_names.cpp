// Node ids from ONNX names.
#include "interop/onnx_names.h"

#include <algorithm>
#include <cctype>

namespace nw::interop {

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      if (!cur.empty()) parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) parts.push_back(cur);
  return parts;
}

bool starts_with(const std::string& s, const std::string& p) {
  return s.rfind(p, 0) == 0;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// PyTorch scopes name each level, and repeat the parent in a child's name ("layer1/layer1.0"):
// keep the innermost of each repetition and join with dots. `op_part` receives the op's own
// part ("Relu_1" -> "relu_1") when the name ends with one.
std::string scope_path(const graph::OnnxNode& node, std::string& op_part) {
  std::vector<std::string> parts = split(node.name, '/');
  op_part.clear();
  if (!parts.empty() && starts_with(parts.back(), node.op)) {
    op_part = lower(parts.back());
    if (parts.size() > 1)
      parts.pop_back();
    else
      parts.back() = op_part;
  }
  std::vector<std::string> kept;
  for (const std::string& p : parts) {
    if (!kept.empty() && starts_with(p, kept.back() + ".")) kept.pop_back();
    kept.push_back(p);
  }
  std::string path;
  for (const std::string& p : kept) path += (path.empty() ? "" : ".") + p;
  return path;
}

}  // namespace

std::string sanitized_id(const std::string& name, const std::string& fallback,
                         const graph::Graph& g) {
  std::string id;
  for (char c : name) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
    id += ok ? c : '_';
  }
  while (!id.empty() && (id.front() == '.' || id.front() == '_')) id.erase(id.begin());
  while (!id.empty() && (id.back() == '.' || id.back() == '_')) id.pop_back();
  for (size_t p; (p = id.find("..")) != std::string::npos;) id.erase(p, 1);
  if (id.empty() || graph::check_node_id(id)) id = fallback;
  return g.find(id) ? g.unique_id(id) : id;
}

std::vector<std::string> claim_ids(const std::vector<graph::OnnxClaim>& claims,
                                   const OnnxModelData& model, const graph::Graph& g) {
  std::vector<std::string> stems, op_parts(claims.size());
  for (size_t k = 0; k < claims.size(); ++k) {
    const graph::OnnxClaim& c = claims[k];
    std::string stem;
    for (const graph::OnnxNode* n : c.nodes)
      for (const std::string& in : n->inputs) {
        const size_t dot = in.rfind('.');
        if (!stem.empty() || dot == std::string::npos || dot == 0 || !model.constants.count(in))
          continue;
        for (const auto& [key, tensor] : c.weights)
          if (key == in.substr(dot + 1)) stem = in.substr(0, dot);
      }
    std::string op_part;
    const std::string path = scope_path(*c.nodes.front(), op_part);
    if (stem.empty()) stem = path, op_parts[k] = op_part;
    stems.push_back(stem);
  }
  // A path that another id nests under is a module: its own op goes after it.
  for (size_t k = 0; k < stems.size(); ++k)
    for (const std::string& other : stems)
      if (!op_parts[k].empty() && starts_with(other, stems[k] + ".")) {
        stems[k] += "." + op_parts[k];
        break;
      }
  graph::Graph taken = g;
  std::vector<std::string> ids;
  for (size_t k = 0; k < claims.size(); ++k) {
    ids.push_back(sanitized_id(stems[k], lower(claims[k].type), taken));
    taken.add_node("Identity", ids.back());
  }
  return ids;
}

}  // namespace nw::interop
