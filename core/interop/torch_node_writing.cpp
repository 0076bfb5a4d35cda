#include "interop/torch_node_writing.h"

#include "interop/python_text.h"
#include "tensor/errors.h"

namespace nw::interop {

namespace {

// Names nn.Module and nn.ModuleDict already use (PyTorch 1.13): a submodule of that name would
// be refused ("attribute 'eval' already exists") or hide a method.
const std::set<std::string>& module_attributes() {
  static const std::set<std::string> names = {"T_destination",
                                              "add_module",
                                              "apply",
                                              "bfloat16",
                                              "buffers",
                                              "children",
                                              "clear",
                                              "cpu",
                                              "cuda",
                                              "double",
                                              "dump_patches",
                                              "eval",
                                              "extra_repr",
                                              "float",
                                              "forward",
                                              "get_buffer",
                                              "get_extra_state",
                                              "get_parameter",
                                              "get_submodule",
                                              "half",
                                              "ipu",
                                              "items",
                                              "keys",
                                              "load_state_dict",
                                              "modules",
                                              "named_buffers",
                                              "named_children",
                                              "named_modules",
                                              "named_parameters",
                                              "parameters",
                                              "pop",
                                              "register_backward_hook",
                                              "register_buffer",
                                              "register_forward_hook",
                                              "register_forward_pre_hook",
                                              "register_full_backward_hook",
                                              "register_load_state_dict_post_hook",
                                              "register_module",
                                              "register_parameter",
                                              "requires_grad_",
                                              "set_extra_state",
                                              "share_memory",
                                              "state_dict",
                                              "to",
                                              "to_empty",
                                              "train",
                                              "training",
                                              "type",
                                              "update",
                                              "values",
                                              "xpu",
                                              "zero_grad"};
  return names;
}

}  // namespace

std::vector<std::string> split_id(const std::string& id) {
  std::vector<std::string> parts{""};
  for (char c : id) {
    if (c == '.')
      parts.emplace_back();
    else
      parts.back() += c;
  }
  return parts;
}

std::string module_path(const std::string& id, const std::string& owner) {
  const std::vector<std::string> parts = split_id(id);
  std::string out = owner + "." + parts[0];
  for (size_t i = 1; i < parts.size(); ++i)
    out.append("[").append(python::quoted(parts[i])).append("]");
  return out;
}

void check_id(const std::string& id, const std::string& where) {
  const std::vector<std::string> parts = split_id(id);
  if (!python::is_identifier(parts[0]))
    throw Error(where + "'" + parts[0] +
                "' cannot be a Python attribute name (it starts with a digit or is a keyword); "
                "rename the node, e.g. to 'n" +
                id + "'");
  for (const std::string& p : parts)
    if (module_attributes().count(p) || p.front() == '_')
      throw Error(where + "'" + p +
                  "' is taken by nn.Module itself (or starts with '_'), so PyTorch cannot name a "
                  "submodule so; rename the node, e.g. to '" +
                  id + "_layer'");
}

// (The validator already refuses an id nested under another layer's.)
void add_module_lines(const std::string& id, const std::string& constructor,
                      std::set<std::string>& containers, std::string& init, int indent) {
  const std::vector<std::string> parts = split_id(id);
  std::string prefix;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    prefix += (i ? "." : "") + parts[i];
    if (containers.insert(prefix).second)
      init += python::wrap(module_path(prefix) + " = nn.ModuleDict()", indent);
  }
  init += python::wrap(module_path(id) + " = " + constructor, indent);
}

std::string NodeWriting::temporary(const std::string& stem) {
  return python::variable(stem, taken_);
}

std::optional<std::string> NodeWriting::expression(const std::string& name) const {
  auto it = expressions_.find(name);
  if (it == expressions_.end()) return std::nullopt;
  return it->second;
}

}  // namespace nw::interop
