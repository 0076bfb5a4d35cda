#pragma once
// nw::nn::Module: the base of every layer and network, as torch.nn.Module. A module owns named
// parameters, buffers and child modules; names join with dots into PyTorch's state_dict keys
// ("fc1.weight", "bn.running_mean"), so checkpoints read the same in both.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor.h"

namespace nw::nn {

// An ordered name -> tensor list, as PyTorch's OrderedDict state_dict.
using NamedTensors = std::vector<std::pair<std::string, Tensor>>;
using StateDict = NamedTensors;

class Module;
using ModulePtr = std::shared_ptr<Module>;

class Module {
 public:
  explicit Module(std::string type_name) : type_name_(std::move(type_name)) {}
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // Single-input modules override forward(x); modules that merge inputs (Add, Concat) override
  // forward(inputs). Each default forwards to the other.
  virtual Tensor forward(const Tensor& x);
  virtual Tensor forward(const std::vector<Tensor>& inputs);
  Tensor operator()(const Tensor& x) { return forward(x); }
  Tensor operator()(const std::vector<Tensor>& inputs) { return forward(inputs); }

  const std::string& type_name() const { return type_name_; }  // "Linear", as PyTorch's class

  // ---- contents (recursive, children in registration order, PyTorch's dotted names)
  std::vector<Tensor> parameters(bool recurse = true) const;
  NamedTensors named_parameters(bool recurse = true) const;
  NamedTensors named_buffers(bool recurse = true) const;
  std::vector<std::pair<std::string, ModulePtr>> named_children() const { return children_; }
  // Every submodule with its dotted path ("" is not included; this module is the root).
  std::vector<std::pair<std::string, ModulePtr>> named_modules() const;
  ModulePtr child(const std::string& name) const;  // nullptr when absent

  // ---- modes and placement
  virtual void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  // Moves (or converts) every parameter and buffer in place: handles the caller holds stay valid.
  void to(const Device& device);
  void to(DType dtype);  // floating parameters and buffers only
  void zero_grad(bool set_to_none = true);

  // ---- checkpoints
  // Parameters and persistent buffers as detached views of the live tensors (no copy, as in
  // PyTorch): copy them before training on if a snapshot is wanted.
  StateDict state_dict() const;
  struct LoadReport {
    std::vector<std::string> missing, unexpected, mismatched;
  };
  // Copies values in under no-grad. strict: any missing, unexpected or wrong-shaped key is an
  // error that lists all of them at once; otherwise they are reported and skipped.
  LoadReport load_state_dict(const StateDict& state, bool strict = true);

  int64_t num_parameters(bool trainable_only = false) const;
  // Multi-line text like PyTorch's module repr.
  std::string repr() const;
  virtual std::string extra_repr() const { return {}; }

 protected:
  // Registers (and returns) a parameter; it becomes a leaf that requires grad.
  Tensor register_parameter(const std::string& name, Tensor t, bool requires_grad = true);
  Tensor register_buffer(const std::string& name, Tensor t, bool persistent = true);
  template <typename M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> m) {
    add_child(name, m);
    return m;
  }
  void add_child(const std::string& name, ModulePtr m);
  // Replaces a registered parameter's value (same handle identity is not kept).
  Tensor parameter(const std::string& name) const;
  Tensor buffer(const std::string& name) const;

 private:
  void collect(const std::string& prefix, bool recurse, bool params, bool only_persistent,
               NamedTensors& out) const;
  void collect_state(const std::string& prefix, StateDict& out) const;
  void check_name(const std::string& name, const char* what) const;

  std::string type_name_;
  NamedTensors params_;
  NamedTensors buffers_;
  std::vector<bool> buffer_persistent_;
  std::vector<std::pair<std::string, ModulePtr>> children_;
  bool training_ = true;
};

std::ostream& operator<<(std::ostream& os, const Module& m);

}  // namespace nw::nn
