#include "nn/sequential.h"

namespace nw::nn {

Sequential::Sequential(std::initializer_list<ModulePtr> modules) : Module("Sequential") {
  for (const auto& m : modules) push_back(m);
}

Sequential::Sequential(std::initializer_list<std::pair<std::string, ModulePtr>> named)
    : Module("Sequential") {
  for (const auto& [n, m] : named) push_back(n, m);
}

Sequential& Sequential::push_back(ModulePtr m) {
  return push_back(std::to_string(size()), std::move(m));
}

Sequential& Sequential::push_back(const std::string& name, ModulePtr m) {
  add_child(name, std::move(m));
  return *this;
}

Tensor Sequential::forward(const Tensor& x) {
  Tensor h = x;
  for (const auto& [_, m] : named_children()) h = m->forward(h);
  return h;
}

}  // namespace nw::nn
