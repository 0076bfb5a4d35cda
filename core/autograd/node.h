#pragma once
// A node of the backward graph: one per recorded op. It holds the closure that maps the gradient
// of the op's output to the gradients of its inputs, and an edge per input to the node that
// produced it (or to the leaf's accumulator).
#include <functional>
#include <memory>
#include <vector>

#include "tensor/tensor.h"

namespace nw::autograd {

class Node;

struct Edge {
  std::shared_ptr<Node> fn;  // null: the input does not require grad
};

class Node {
 public:
  // Returns one gradient per input, in input order; an undefined Tensor means "no gradient".
  using BackwardFn = std::function<std::vector<Tensor>(const Tensor& grad)>;

  Node(const char* name, std::vector<Edge> next, BackwardFn fn)
      : name_(name), next_(std::move(next)), fn_(std::move(fn)) {}
  virtual ~Node() = default;

  const char* name() const { return name_; }
  const std::vector<Edge>& next_edges() const { return next_; }
  // Runs the closure; throws AutogradError if the graph was freed by an earlier backward.
  virtual std::vector<Tensor> apply(const Tensor& grad);
  // Frees what the closure saved; a second apply() then fails with a clear message.
  virtual void release();

 protected:
  const char* name_;
  std::vector<Edge> next_;
  BackwardFn fn_;
  bool released_ = false;
};

// The sink for a leaf: adds the incoming gradient into leaf.grad.
class AccumulateGrad : public Node {
 public:
  explicit AccumulateGrad(std::shared_ptr<TensorImpl> leaf)
      : Node("AccumulateGrad", {}, nullptr), leaf_(std::move(leaf)) {}
  std::vector<Tensor> apply(const Tensor& grad) override;
  void release() override {}

 private:
  std::shared_ptr<TensorImpl> leaf_;
};

// A saved input or output with the version it had when saved. Unpacking checks the version, so an
// in-place write between forward and backward is an error instead of a silently wrong gradient.
class SavedTensor {
 public:
  SavedTensor() = default;
  explicit SavedTensor(const Tensor& t);
  const Tensor& unpack(const char* node_name) const;

 private:
  Tensor t_;  // detached: saving an op's own output must not keep a cycle to its grad_fn
  uint32_t version_ = 0;
};

// True when grad mode is on and any input requires grad.
bool needs_grad(std::initializer_list<const Tensor*> inputs);
bool needs_grad(const std::vector<Tensor>& inputs);
// Attaches a backward node named `name` to `out` with an edge per input.
void record(Tensor& out, const char* name, const std::vector<Tensor>& inputs, Node::BackwardFn fn);

// Runs backward from `roots` seeded with `grads` (see Tensor::backward).
void run_backward(const Tensor& root, const Tensor& grad, bool retain_graph);

}  // namespace nw::autograd
