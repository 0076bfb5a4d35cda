#include "graph/block.h"

#include <cctype>

namespace nw::graph {

std::string block_name(const std::string& type) {
  const std::string prefix = kBlockPrefix;
  return type.rfind(prefix, 0) == 0 ? type.substr(prefix.size()) : std::string();
}

bool is_block_type(const std::string& type) {
  return type.rfind(kBlockPrefix, 0) == 0;
}

std::optional<std::string> check_block_name(const std::string& name) {
  if (name.empty()) return "a block needs a name, such as \"BasicBlock\"";
  if (std::isdigit(static_cast<unsigned char>(name.front())))
    return "block name '" + name + "' starts with a digit; start it with a letter";
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
      return "block name '" + name + "' contains '" + std::string(1, c) +
             "'; use letters, digits and '_'";
  return std::nullopt;
}

LayerType block_interface(const BlockDef& def) {
  LayerType t;
  t.name = kBlockPrefix + def.name;
  t.category = "Block";
  t.description = def.description.empty() ? "Block " + def.name : def.description;
  t.params = def.params;
  for (ParamSpec& p : t.params) p.required = p.default_value.is_null();
  for (const std::string& in : def.inputs) t.inputs.push_back({in, {}});
  for (const BlockOutput& out : def.outputs) t.outputs.push_back({out.name, {}});
  return t;
}

std::string param_ref(const ParamValue& value) {
  if (!value.is_string()) return {};
  const auto& s = value.get_ref<const std::string&>();
  if (s.size() < 2 || s.front() != '$') return {};
  return s.substr(1);
}

bool has_param_ref(const ParamValue& value) {
  if (value.is_array()) {
    for (const auto& e : value)
      if (has_param_ref(e)) return true;
    return false;
  }
  return !param_ref(value).empty();
}

const std::vector<std::pair<std::string, ParamKind>>& block_param_kinds() {
  static const std::vector<std::pair<std::string, ParamKind>> kinds = {
      {"int", ParamKind::Int},          {"float", ParamKind::Float},
      {"bool", ParamKind::Bool},        {"int_pair", ParamKind::IntPair},
      {"int_list", ParamKind::IntList}, {"padding", ParamKind::Padding}};
  return kinds;
}

std::optional<ParamKind> block_param_kind(const std::string& name) {
  for (const auto& [n, k] : block_param_kinds())
    if (n == name) return k;
  return std::nullopt;
}

std::string block_param_kind_name(ParamKind kind) {
  for (const auto& [n, k] : block_param_kinds())
    if (k == kind) return n;
  return to_string(kind);
}

}  // namespace nw::graph
