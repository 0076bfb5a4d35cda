#pragma once
// The state behind a Tensor handle: a window (sizes, strides, offset) onto shared storage, plus the
// autograd fields. Copying a Tensor copies the handle, not this.
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "tensor/dtype.h"
#include "tensor/shape.h"
#include "tensor/storage.h"

namespace nw {

namespace autograd {
class Node;
// The name of the op that made a tensor ("AddBackward0"), for messages and printing; defined
// with the node, in autograd/ (above this folder).
const char* node_name(const Node& node);
}  // namespace autograd

struct TensorImpl {
  Storage storage;
  Shape sizes;
  Shape strides;       // in elements
  int64_t offset = 0;  // in elements
  DType dtype = kFloat32;

  bool requires_grad = false;  // meaningful on leaves; non-leaves require grad through grad_fn
  std::shared_ptr<TensorImpl> grad;
  std::shared_ptr<autograd::Node> grad_fn;
  std::weak_ptr<autograd::Node> grad_accumulator;  // leaves only, created on first use
  // Leaves only: called, in order, after a backward pass has added into `grad` (PyTorch's
  // register_post_accumulate_grad_hook), so a gradient can leave for another process as soon as
  // it is final. Keyed by the id autograd/hooks.h hands out, for removal.
  std::vector<std::pair<int, std::function<void(const std::shared_ptr<TensorImpl>&)>>>
      post_accumulate_hooks;
  // For views: the tensor whose storage they look into (the root, for views of views), so that
  // an in-place write through a view can update the base's history too.
  std::weak_ptr<TensorImpl> base;
};

}  // namespace nw
