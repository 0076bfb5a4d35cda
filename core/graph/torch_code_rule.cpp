#include "graph/torch_code_rule.h"

#include "catalog/torch_call.h"
#include "tensor/errors.h"

namespace nw::graph {

std::string python_literal(const ParamValue& value) {
  return catalog::python_value(value);
}

namespace {

// A size as PyTorch takes it: [3, 3] is 3, [3, 5] is (3, 5).
std::string size_text(const ParamValue& v) {
  if (!v.is_array()) return python_literal(v);
  if (v.size() == 2 && v[0] == v[1]) return python_literal(v[0]);
  std::string out = "(";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + python_literal(v[i]);
  return out + (v.size() == 1 ? ",)" : ")");
}

}  // namespace

std::string TorchWriting::arg(const std::string& name) const {
  if (auto e = expression(name)) return *e;
  auto it = params().find(name);
  if (it == params().end())
    throw Error("node '" + node_id() + "': no parameter '" + name + "' to write as PyTorch code");
  return python_literal(it->second);
}

std::string TorchWriting::size_arg(const std::string& name) const {
  if (auto e = expression(name)) return *e;
  auto it = params().find(name);
  if (it == params().end())
    throw Error("node '" + node_id() + "': no parameter '" + name + "' to write as PyTorch code");
  return size_text(it->second);
}

std::string TorchWriting::keywords(const std::vector<std::string>& names) const {
  std::string out;
  for (const std::string& name : names) {
    const ParamSpec* spec = type().param(name);
    const std::string value = size_arg(name);
    // An expression may take the default at one use and not at another: always written.
    if (spec && !expression(name) && !spec->default_value.is_null() &&
        size_text(spec->default_value) == value)
      continue;
    out += ", " + name + "=" + value;
  }
  return out;
}

int64_t TorchWriting::int_param(const std::string& name) const {
  return params().at(name).get<int64_t>();
}

bool TorchWriting::bool_param(const std::string& name) const {
  return params().at(name).get<bool>();
}

TorchCodeRule torch_module(TorchText constructor) {
  return [constructor = std::move(constructor)](TorchWriting& code) {
    code.set_module(constructor(code));
    code.set_forward(code.module() + "(" + code.input(0) + ")");
  };
}

TorchCodeRule torch_function(TorchText expression) {
  return [expression = std::move(expression)](TorchWriting& code) {
    code.set_forward(expression(code));
  };
}

}  // namespace nw::graph
