#pragma once
// The pickle of a torch.save file, read as a state_dict: hooks that allow only what a state_dict
// names (OrderedDict, the torch.*Storage types by persistent id, _rebuild_tensor_v2,
// _rebuild_parameter) and refuse every other global by name, then the tensors copied out of
// their storages once each view is checked against its storage. The zip and legacy formats
// (torch_weights.cpp) differ only in where the pickle and the storages' bytes are.
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "io/pickle_reader.h"
#include "io/torch_tensor.h"
#include "nn/module.h"

namespace nw::io::torch {

using pickle::Kind;
using pickle::Value;

struct StorageRef {
  std::string key;
  StorageType type;
  int64_t numel = 0;
};

struct TensorRef {
  size_t storage = 0;
  TensorView view;
};

// Why a storage's bytes could not be had ("" when they are in `bytes`).
using StorageBytes = std::function<std::string(const StorageRef&, std::string& bytes)>;

class StateDictLoader {
 public:
  explicit StateDictLoader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& where, const std::string& message) const;

  // One pickle of the file from `pos` (which ends after its STOP); `where` names it in errors.
  const Value* unpickle(std::string_view bytes, size_t& pos, const std::string& where);

  // The tensors of the state_dict `root`, copied out of the storages `storage_bytes` gives.
  nn::StateDict state_dict(const Value* root, const std::string& where,
                           const StorageBytes& storage_bytes);

  // The storage behind a persistent id, by key: (storage, type, key, location, numel[, view]).
  const StorageRef* storage(const std::string& key) const;

 private:
  Value* persistent_load(pickle::Arena& a, const Value& pid);

  Value* reduce(pickle::Arena& a, const std::string& callable, const Value& args);

  // The root, or the state_dict a training checkpoint keeps under a well-known key.
  const Value* state_dict_of(const Value* root, const std::string& where) const;

  std::string file_;
  pickle::Arena arena_;
  std::vector<StorageRef> storages_;
  std::map<std::string, size_t> storage_index_;
  std::vector<TensorRef> tensors_;
};

}  // namespace nw::io::torch
