#pragma once
// Hooks on a leaf's gradient. A post-accumulate hook runs each time a backward pass has added into
// the leaf's .grad (after the whole sum for that pass, since the engine runs each accumulator
// once), on the thread running backward. dist::GradientReducer uses it to start exchanging a
// bucket of gradients while backward goes on through the layers below.
#include <functional>

#include "tensor/tensor.h"

namespace nw::autograd {

// Removes its hook when destroyed (or at reset()); movable, not copyable.
class HookHandle {
 public:
  HookHandle() = default;
  HookHandle(std::weak_ptr<TensorImpl> leaf, int id) : leaf_(std::move(leaf)), id_(id) {}
  HookHandle(HookHandle&& o) noexcept : leaf_(std::move(o.leaf_)), id_(o.id_) { o.id_ = -1; }
  HookHandle& operator=(HookHandle&& o) noexcept;
  HookHandle(const HookHandle&) = delete;
  HookHandle& operator=(const HookHandle&) = delete;
  ~HookHandle() { reset(); }
  void reset();

 private:
  std::weak_ptr<TensorImpl> leaf_;
  int id_ = -1;
};

// `leaf` must be a leaf that requires grad (a parameter); throws AutogradError otherwise.
[[nodiscard]] HookHandle add_post_accumulate_grad_hook(const Tensor& leaf,
                                                       std::function<void(const Tensor&)> hook);

}  // namespace nw::autograd
