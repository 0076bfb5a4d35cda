#pragma once
// The PyTorch code of an entry that is one PyTorch call taking the entry's arguments as keywords
// (losses, optimizers, schedulers): "torch.optim.SGD(parameters, lr=0.1, momentum=0.9)".
#include <string>
#include <vector>

#include "catalog/entry.h"

namespace nw::catalog {

// Writes `callee(leading, name=value, ...)` for each of `args` that the spec holds with a value
// other than its default (a required argument, or one named in `always`, whatever its value).
// `tensors` names list arguments PyTorch takes as tensors (a loss's weight): written
// torch.tensor([...]), and left out when empty.
TorchCodeWriter torch_call(std::string callee, std::string leading, std::vector<ArgSpec> args,
                           std::vector<std::string> tensors = {},
                           std::vector<std::string> always = {});

// A JSON value as a Python literal: null None, true True, 0.1 0.1, "x" "x", [1, 2] [1, 2].
std::string python_value(const nlohmann::json& value);

}  // namespace nw::catalog
