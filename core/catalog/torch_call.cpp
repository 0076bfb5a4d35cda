#include "catalog/torch_call.h"

#include <algorithm>

namespace nw::catalog {

std::string python_value(const nlohmann::json& value) {
  if (value.is_null()) return "None";
  if (value.is_boolean()) return value.get<bool>() ? "True" : "False";
  if (value.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < value.size(); ++i) out += (i ? ", " : "") + python_value(value[i]);
    return out + "]";
  }
  // nlohmann writes numbers in their shortest round-trip form (whole floats keep ".0", as in
  // Python), and JSON's string escapes are Python's.
  return value.dump();
}

namespace {

// [1, 2.5] as [1.0, 2.5]: torch.tensor of whole numbers would be int64, and a loss's weights
// must be float.
std::string float_list(const nlohmann::json& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i)
    out += (i ? ", " : "") + python_value(nlohmann::json(v[i].get<double>()));
  return out + "]";
}

}  // namespace

TorchCodeWriter torch_call(std::string callee, std::string leading, std::vector<ArgSpec> args,
                           std::vector<std::string> tensors, std::vector<std::string> always) {
  auto among = [](const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  return [callee = std::move(callee), leading = std::move(leading), args = std::move(args),
          tensors = std::move(tensors), always = std::move(always),
          among](const nlohmann::json& spec) {
    std::string out = callee + "(" + leading;
    for (const ArgSpec& a : args) {
      if (!spec.contains(a.name)) continue;
      const nlohmann::json& v = spec.at(a.name);
      if (!a.required && !among(always, a.name) && v == a.default_value) continue;
      const bool tensor = among(tensors, a.name);
      if (tensor && v.is_array() && v.empty()) continue;
      out += (out.back() == '(' ? "" : ", ") + a.name + "=" +
             (tensor ? "torch.tensor(" + float_list(v) + ")" : python_value(v));
    }
    return TorchCode{out + ")", ""};
  };
}

}  // namespace nw::catalog
