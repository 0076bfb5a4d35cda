#pragma once
// Sequential: children run in order, each fed the previous output; named "0", "1", ... as in
// PyTorch unless given names.
#include <initializer_list>

#include "nn/module.h"

namespace nw::nn {

class Sequential : public Module {
 public:
  Sequential() : Module("Sequential") {}
  Sequential(std::initializer_list<ModulePtr> modules);
  Sequential(std::initializer_list<std::pair<std::string, ModulePtr>> named);

  Sequential& push_back(ModulePtr m);
  Sequential& push_back(const std::string& name, ModulePtr m);
  size_t size() const { return named_children().size(); }
  ModulePtr operator[](size_t i) const { return named_children().at(i).second; }

  using Module::forward;
  Tensor forward(const Tensor& x) override;
};

}  // namespace nw::nn
