// The backward pass: a topological walk of the graph from the root, summing the gradients that
// reach each node before running it, so every node runs exactly once.
#include <unordered_map>
#include <vector>

#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace nw::autograd {

void run_backward(const Tensor& root, const Tensor& grad_in, bool retain_graph) {
  if (!root.requires_grad())
    throw AutogradError(
        "backward: the tensor does not require grad and has no grad_fn; set requires_grad on "
        "an input (x.requires_grad_()) before computing it, and do not compute it under "
        "NoGradGuard");
  Tensor grad = grad_in;
  if (!grad.defined()) {
    if (root.numel() != 1)
      throw AutogradError(
          "backward: grad can be implicitly created only for scalar outputs, but "
          "the output has shape " +
          shape_str(root.sizes()) + "; pass a gradient of that shape: out.backward(gradient)");
    grad = ones_like(root);
  } else if (grad.sizes() != root.sizes()) {
    throw ShapeError("backward: gradient has shape " + shape_str(grad.sizes()) +
                     " but the output has shape " + shape_str(root.sizes()) +
                     "; pass a gradient of the output's shape");
  }

  NoGradGuard no_grad;  // backward formulas are not themselves recorded
  std::shared_ptr<Node> start = root.grad_fn();
  if (!start) {
    AccumulateGrad(root.impl_ptr()).apply(grad);
    return;
  }

  // Count, for every reachable node, how many edges lead into it.
  std::unordered_map<Node*, int> deps;
  std::vector<Node*> stack{start.get()};
  deps[start.get()] = 0;
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (const Edge& e : n->next_edges()) {
      if (!e.fn) continue;
      auto [it, inserted] = deps.try_emplace(e.fn.get(), 0);
      ++it->second;
      if (inserted) stack.push_back(e.fn.get());
    }
  }

  std::unordered_map<Node*, Tensor> pending;
  std::vector<Node*> ready{start.get()};
  pending[start.get()] = grad;
  while (!ready.empty()) {
    Node* n = ready.back();
    ready.pop_back();
    Tensor g;
    if (auto it = pending.find(n); it != pending.end()) {
      g = std::move(it->second);
      pending.erase(it);
    }
    // A node that no gradient reached still passes through, so its inputs' counts drop.
    std::vector<Tensor> grads;
    if (g.defined()) grads = n->apply(g);
    if (!retain_graph) n->release();
    const auto& next = n->next_edges();
    for (size_t i = 0; i < next.size(); ++i) {
      Node* m = next[i].fn.get();
      if (!m) continue;
      if (i < grads.size() && grads[i].defined()) {
        auto it = pending.find(m);
        if (it == pending.end() || !it->second.defined())
          pending[m] = grads[i];
        else
          it->second = it->second + grads[i];
      }
      if (--deps[m] == 0) ready.push_back(m);
    }
  }
}

}  // namespace nw::autograd

namespace nw {

// Declared with the handle in tensor/tensor.h; defined here, with the engine it runs.
void Tensor::backward(const Tensor& gradient, bool retain_graph) const {
  autograd::run_backward(*this, gradient, retain_graph);
}

}  // namespace nw
