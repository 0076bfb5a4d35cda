#include "autograd/node.h"

#include "autograd/grad_mode.h"
#include "tensor/ops.h"

namespace nw::autograd {

const char* node_name(const Node& node) {
  return node.name();
}

std::vector<Tensor> Node::apply(const Tensor& grad) {
  if (released_)
    throw AutogradError(
        std::string("backward: trying to backward through the graph a second time (at ") + name_ +
        "); its saved tensors were freed by the first backward. Pass retain_graph=true to the "
        "first backward() if you need to call it twice.");
  return fn_(grad);
}

void Node::release() {
  fn_ = nullptr;
  released_ = true;
}

std::vector<Tensor> AccumulateGrad::apply(const Tensor& grad) {
  if (!leaf_->grad) {
    // Take the buffer over when nothing else can see it (the engine's handle is the only one,
    // and it owns its whole storage): a copy per parameter per step adds up in training loops.
    // Otherwise copy: the gradient may alias a tensor the graph or the user still holds.
    const bool sole_owner = grad.impl_ptr().use_count() == 1 && grad.storage().use_count() == 1 &&
                            grad.is_contiguous() && grad.storage_offset() == 0 &&
                            grad.dtype() == leaf_->dtype && grad.sizes() == leaf_->sizes &&
                            grad.storage()->device() == leaf_->storage->device() &&
                            !grad.impl()->grad_fn;
    leaf_->grad = sole_owner ? grad.impl_ptr() : grad.clone().impl_ptr();
  } else {
    Tensor(leaf_->grad).add_(grad);
  }
  // A copy: a hook may remove itself.
  const auto hooks = leaf_->post_accumulate_hooks;
  for (const auto& [id, hook] : hooks) hook(leaf_);
  return {};
}

SavedTensor::SavedTensor(const Tensor& t)
    : t_(t.defined() ? t.detach() : Tensor()), version_(t.defined() ? t.version() : 0) {}

const Tensor& SavedTensor::unpack(const char* node_name) const {
  if (t_.defined() && t_.version() != version_)
    throw AutogradError(
        std::string("backward: one of the tensors needed for gradient computation was modified "
                    "by an in-place operation: a tensor of shape ") +
        shape_str(t_.sizes()) + " saved by " + node_name + " is at version " +
        std::to_string(t_.version()) + "; expected version " + std::to_string(version_) +
        ". Replace the in-place op (add_, mul_, fill_, copy_, index assignment) with its "
        "out-of-place form, or clone() the tensor before modifying it.");
  return t_;
}

bool needs_grad(std::initializer_list<const Tensor*> inputs) {
  if (!is_grad_enabled()) return false;
  for (const Tensor* t : inputs)
    if (t->defined() && t->requires_grad()) return true;
  return false;
}

bool needs_grad(const std::vector<Tensor>& inputs) {
  if (!is_grad_enabled()) return false;
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

namespace {
std::shared_ptr<Node> edge_for(const Tensor& t) {
  if (!t.defined() || !t.requires_grad()) return nullptr;
  TensorImpl* impl = t.impl();
  if (impl->grad_fn) return impl->grad_fn;
  auto acc = impl->grad_accumulator.lock();
  if (!acc) {
    acc = std::make_shared<AccumulateGrad>(t.impl_ptr());
    impl->grad_accumulator = acc;
  }
  return acc;
}
}  // namespace

void record(Tensor& out, const char* name, const std::vector<Tensor>& inputs, Node::BackwardFn fn) {
  std::vector<Edge> edges;
  edges.reserve(inputs.size());
  for (const Tensor& t : inputs) edges.push_back({edge_for(t)});
  out.impl()->grad_fn = std::make_shared<Node>(name, std::move(edges), std::move(fn));
}

}  // namespace nw::autograd
