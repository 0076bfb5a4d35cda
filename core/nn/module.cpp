#include "nn/module.h"

#include <ostream>
#include <sstream>
#include <unordered_map>

#include "autograd/grad_mode.h"
#include "tensor/creation.h"

namespace nw::nn {

Tensor Module::forward(const Tensor& x) {
  return forward(std::vector<Tensor>{x});
}

Tensor Module::forward(const std::vector<Tensor>& inputs) {
  if (inputs.size() != 1)
    throw Error(type_name_ + ": takes one input, got " + std::to_string(inputs.size()) +
                "; connect a single tensor");
  // Reaching here means neither forward was overridden.
  throw Error(type_name_ + ": forward() is not defined for this module; override forward(x)");
}

void Module::check_name(const std::string& name, const char* what) const {
  if (name.empty() || name.find('.') != std::string::npos)
    throw Error(type_name_ + ": " + what + " name '" + name +
                "' is invalid; names are non-empty and contain no '.'");
  auto taken = [&](const auto& list) {
    for (const auto& [n, _] : list)
      if (n == name) return true;
    return false;
  };
  if (taken(params_) || taken(buffers_) || taken(children_))
    throw Error(type_name_ + ": " + what + " name '" + name + "' is already used in this module");
}

Tensor Module::register_parameter(const std::string& name, Tensor t, bool requires_grad) {
  check_name(name, "parameter");
  if (t.defined()) {
    if (!t.is_leaf()) t = t.detach();
    if (requires_grad && t.is_floating_point()) t.requires_grad_(true);
  }
  params_.emplace_back(name, t);
  return t;
}

Tensor Module::register_buffer(const std::string& name, Tensor t, bool persistent) {
  check_name(name, "buffer");
  buffers_.emplace_back(name, t);
  buffer_persistent_.push_back(persistent);
  return t;
}

void Module::add_child(const std::string& name, ModulePtr m) {
  check_name(name, "submodule");
  if (!m) throw Error(type_name_ + ": submodule '" + name + "' is null");
  children_.emplace_back(name, std::move(m));
}

Tensor Module::parameter(const std::string& name) const {
  for (const auto& [n, t] : params_)
    if (n == name) return t;
  throw Error(type_name_ + ": has no parameter '" + name + "'");
}

Tensor Module::buffer(const std::string& name) const {
  for (const auto& [n, t] : buffers_)
    if (n == name) return t;
  throw Error(type_name_ + ": has no buffer '" + name + "'");
}

ModulePtr Module::child(const std::string& name) const {
  for (const auto& [n, m] : children_)
    if (n == name) return m;
  return nullptr;
}

void Module::collect(const std::string& prefix, bool recurse, bool params, bool only_persistent,
                     NamedTensors& out) const {
  if (params) {
    for (const auto& [n, t] : params_)
      if (t.defined()) out.emplace_back(prefix + n, t);
  } else {
    for (size_t i = 0; i < buffers_.size(); ++i)
      if (buffers_[i].second.defined() && (!only_persistent || buffer_persistent_[i]))
        out.emplace_back(prefix + buffers_[i].first, buffers_[i].second);
  }
  if (!recurse) return;
  for (const auto& [n, m] : children_)
    m->collect(prefix + n + ".", true, params, only_persistent, out);
}

NamedTensors Module::named_parameters(bool recurse) const {
  NamedTensors out;
  collect("", recurse, true, false, out);
  return out;
}

NamedTensors Module::named_buffers(bool recurse) const {
  NamedTensors out;
  collect("", recurse, false, false, out);
  return out;
}

std::vector<Tensor> Module::parameters(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& [_, t] : named_parameters(recurse)) out.push_back(t);
  return out;
}

std::vector<std::pair<std::string, ModulePtr>> Module::named_modules() const {
  std::vector<std::pair<std::string, ModulePtr>> out;
  for (const auto& [n, m] : children_) {
    out.emplace_back(n, m);
    for (auto& [sub, sm] : m->named_modules()) out.emplace_back(n + "." + sub, sm);
  }
  return out;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [_, m] : children_) m->train(on);
}

namespace {
// Points `t`'s handle at new data, so every holder of the handle sees the move.
void assign_data(const Tensor& t, const Tensor& src) {
  TensorImpl* impl = t.impl();
  impl->storage = src.storage();
  impl->sizes = src.sizes();
  impl->strides = src.strides();
  impl->offset = src.storage_offset();
  impl->dtype = src.dtype();
}

template <typename F>
void for_each_tensor(Module& m, F&& f) {
  for (auto& [_, t] : m.named_parameters()) {
    f(t);
    if (t.grad().defined()) f(t.grad());
  }
  for (auto& [_, t] : m.named_buffers()) f(t);
}
}  // namespace

void Module::to(const Device& device) {
  NoGradGuard ng;
  for_each_tensor(*this, [&](const Tensor& t) {
    if (t.device() != device) assign_data(t, t.detach().to(device));
  });
}

void Module::to(DType dtype) {
  if (!is_floating(dtype))
    throw DTypeError(type_name_ + ".to: modules convert only to floating dtypes, got " +
                     dtype_name(dtype));
  NoGradGuard ng;
  for_each_tensor(*this, [&](const Tensor& t) {
    if (t.is_floating_point() && t.dtype() != dtype) assign_data(t, t.detach().to(dtype));
  });
}

void Module::zero_grad(bool set_to_none) {
  NoGradGuard ng;
  for (auto& [_, t] : named_parameters()) {
    if (!t.grad().defined()) continue;
    if (set_to_none)
      t.set_grad(Tensor());
    else
      t.grad().zero_();
  }
}

// PyTorch's order: each module's parameters, then its persistent buffers, then its children's,
// so that key lists read the same in both ("bn1.weight", "bn1.bias", "bn1.running_mean", ...).
void Module::collect_state(const std::string& prefix, StateDict& out) const {
  collect(prefix, false, true, false, out);
  collect(prefix, false, false, true, out);
  for (const auto& [n, m] : children_) m->collect_state(prefix + n + ".", out);
}

StateDict Module::state_dict() const {
  StateDict out;
  collect_state("", out);
  for (auto& [_, t] : out) t = t.detach();
  return out;
}

Module::LoadReport Module::load_state_dict(const StateDict& state, bool strict) {
  StateDict own;
  collect_state("", own);
  std::unordered_map<std::string, const Tensor*> given;
  for (const auto& [k, t] : state) given[k] = &t;

  LoadReport r;
  std::unordered_map<std::string, bool> known;
  for (const auto& [k, t] : own) {
    known[k] = true;
    auto it = given.find(k);
    if (it == given.end()) {
      r.missing.push_back(k);
    } else if (it->second->sizes() != t.sizes()) {
      r.mismatched.push_back(k + ": checkpoint " + shape_str(it->second->sizes()) + ", model " +
                             shape_str(t.sizes()));
    }
  }
  for (const auto& [k, _] : state)
    if (!known.count(k)) r.unexpected.push_back(k);

  if (strict && (!r.missing.empty() || !r.unexpected.empty() || !r.mismatched.empty())) {
    std::string msg = "load_state_dict: the state does not fit this " + type_name_ + ":";
    auto list = [&](const char* what, const std::vector<std::string>& keys) {
      if (keys.empty()) return;
      msg += std::string("\n  ") + what + ":";
      for (const auto& k : keys) msg += "\n    " + k;
    };
    list("missing keys", r.missing);
    list("unexpected keys", r.unexpected);
    list("wrong shapes", r.mismatched);
    msg +=
        "\nLoad a state saved from the same architecture, or pass strict=false to load the "
        "keys that match (e.g. when the head was replaced for transfer learning).";
    throw ShapeError(msg);  // nothing has been copied yet
  }
  NoGradGuard ng;
  for (const auto& [k, t] : own) {
    auto it = given.find(k);
    if (it == given.end() || it->second->sizes() != t.sizes()) continue;
    Tensor(t).copy_(*it->second);
  }
  return r;
}

int64_t Module::num_parameters(bool trainable_only) const {
  int64_t n = 0;
  for (const auto& [_, t] : named_parameters())
    if (!trainable_only || t.requires_grad()) n += t.numel();
  return n;
}

std::string Module::repr() const {
  std::string head = type_name_ + "(" + extra_repr();
  if (children_.empty()) return head + ")";
  std::string s = head + "\n";
  for (const auto& [n, m] : children_) {
    std::string child = m->repr();
    // Indent the child's continuation lines by two spaces, as PyTorch's _addindent.
    std::string indented;
    for (char c : child) {
      indented += c;
      if (c == '\n') indented += "  ";
    }
    s += "  (" + n + "): " + indented + "\n";
  }
  return s + ")";
}

std::ostream& operator<<(std::ostream& os, const Module& m) {
  return os << m.repr();
}

}  // namespace nw::nn
