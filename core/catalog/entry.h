#pragma once
// A catalog entry: one configurable kind's member (the loss "CrossEntropyLoss", the optimizer
// "Adam", the transform "normalize"), with what it is called, what arguments it takes and how it
// is built. The project loader checks specs against the entries, the builders call their
// factories, the GUI's forms and `netwright-cli catalog` list them: adding an optimizer means
// adding one entry (and its test), nothing else.
//
//   io::optimizers().add(io::optimizer_entry("Lion", "...", make_lion));
//   const io::LossEntry* e = io::losses().find("MSELoss");
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "catalog/arg_spec.h"

namespace nw::catalog {

// How an entry reads in a generated PyTorch script (core/interop/torch_code.h), made from the
// entry's spec completed with its defaults. `code` is one Python expression: a loss
// ("nn.MSELoss()"); an optimizer over the script's `parameters`; a scheduler of its `optimizer`
// (which may read `epochs` and `train_loader`); a transform of one sample `x`; a data source's
// (samples, targets) pair of tensors, its Path arguments already absolute. `helpers` holds the
// Python functions (and `import` lines) the expression calls; a script writes each text once.
struct TorchCode {
  std::string code;
  std::string helpers;
};
using TorchCodeWriter = std::function<TorchCode(const nlohmann::json& spec)>;

// What every entry says about itself; the listing and the forms need no more.
struct EntryInfo {
  std::string name;         // PyTorch's name: "CrossEntropyLoss"; the project file's "type"
  std::string category;     // a group in listings and menus: "Classification", "Adaptive"
  std::string description;  // one line
  std::vector<ArgSpec> args;
  // Unset when the entry has no PyTorch form; the generator then refuses, naming the entry.
  TorchCodeWriter torch_code;

  const ArgSpec* arg(const std::string& name) const;  // nullptr when not declared
};

// An entry with a factory of the kind's own signature.
template <class Factory>
struct Entry : EntryInfo {
  Factory make;
};

// Throws nw::Error when the entry cannot join a table of `kind` ("optimizer") that already
// holds `taken`: no name, a name taken, an argument declared twice, a default its own spec
// refuses, a Choice without choices.
void check_entry(const std::string& kind, const EntryInfo& entry,
                 const std::vector<std::string>& taken);

// Names close to `name` ("Adma" -> "Adam"), best first, at most three: for "did you mean".
std::vector<std::string> close_names(const std::string& name,
                                     const std::vector<std::string>& candidates);

// The entries of one kind, in the order they were added. Entries may be added while others read
// (a plugin, a test); pointers to entries stay valid as the table grows.
template <class E>
class Table {
 public:
  explicit Table(std::string kind) : kind_(std::move(kind)) {}
  const std::string& kind() const { return kind_; }

  void add(E entry) {
    std::unique_lock lock(mutex_);
    check_entry(kind_, entry, names_locked());
    entries_.push_back(std::move(entry));
  }
  const E* find(const std::string& name) const {
    std::shared_lock lock(mutex_);
    for (const E& e : entries_)
      if (e.name == name) return &e;
    return nullptr;
  }
  std::vector<const E*> entries() const {
    std::shared_lock lock(mutex_);
    std::vector<const E*> out;
    for (const E& e : entries_) out.push_back(&e);
    return out;
  }
  std::vector<std::string> names() const {
    std::shared_lock lock(mutex_);
    return names_locked();
  }
  std::vector<EntryInfo> infos() const {
    std::shared_lock lock(mutex_);
    return std::vector<EntryInfo>(entries_.begin(), entries_.end());
  }

 private:
  std::vector<std::string> names_locked() const {
    std::vector<std::string> out;
    for (const E& e : entries_) out.push_back(e.name);
    return out;
  }

  std::string kind_;
  mutable std::shared_mutex mutex_;
  std::deque<E> entries_;
};

}  // namespace nw::catalog
