#include "graph/torch_code_rule.h"

#include "catalog/torch_call.h"
#include "tensor/errors.h"

namespace nw::graph {

std::string python_literal(const ParamValue& value) {
  return catalog::python_value(value);
}

std::string TorchWriting::arg(const std::string& name) const {
  auto it = params().find(name);
  if (it == params().end())
    throw Error("node '" + node_id() + "': no parameter '" + name + "' to write as PyTorch code");
  return python_literal(it->second);
}

std::string TorchWriting::size_arg(const std::string& name) const {
  const ParamValue& v = params().at(name);
  if (!v.is_array()) return python_literal(v);
  if (v.size() == 2 && v[0] == v[1]) return python_literal(v[0]);
  std::string out = "(";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + python_literal(v[i]);
  return out + (v.size() == 1 ? ",)" : ")");
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
