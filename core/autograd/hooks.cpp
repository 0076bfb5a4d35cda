#include "autograd/hooks.h"

#include <algorithm>
#include <atomic>

#include "tensor/errors.h"

namespace nw::autograd {

HookHandle& HookHandle::operator=(HookHandle&& o) noexcept {
  if (this != &o) {
    reset();
    leaf_ = std::move(o.leaf_);
    id_ = o.id_;
    o.id_ = -1;
  }
  return *this;
}

void HookHandle::reset() {
  if (id_ < 0) return;
  if (auto leaf = leaf_.lock()) {
    auto& hooks = leaf->post_accumulate_hooks;
    hooks.erase(
        std::remove_if(hooks.begin(), hooks.end(), [&](const auto& h) { return h.first == id_; }),
        hooks.end());
  }
  id_ = -1;
}

HookHandle add_post_accumulate_grad_hook(const Tensor& leaf,
                                         std::function<void(const Tensor&)> hook) {
  if (!leaf.defined() || !leaf.requires_grad() || leaf.grad_fn())
    throw AutogradError(
        "add_post_accumulate_grad_hook: the tensor is not a leaf that requires grad; register "
        "the hook on a parameter (requires_grad set, not computed from other tensors)");
  static std::atomic<int> next_id{0};
  const int id = next_id++;
  leaf.impl()->post_accumulate_hooks.emplace_back(
      id,
      [hook = std::move(hook)](const std::shared_ptr<TensorImpl>& impl) { hook(Tensor(impl)); });
  return HookHandle(leaf.impl_ptr(), id);
}

}  // namespace nw::autograd
