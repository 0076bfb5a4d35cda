#include "io/torch_pickle.h"

#include <set>

#include "io/io_error.h"

namespace nw::io::torch {

using pickle::PickleError;

namespace {

const char* const kStorage = "a storage";
const char* const kTensor = "a tensor";

// What weights_only=True would also allow, narrowed to what a state_dict of tensors needs.
std::string refuses(const std::string& name) {
  if (name == "collections.OrderedDict" || name == "torch._utils._rebuild_tensor_v2" ||
      name == "torch._utils._rebuild_parameter" ||
      name == "torch._utils._rebuild_parameter_with_state" || storage_type(name))
    return "";
  const std::string suffix = "Storage";
  if (name.rfind("torch.", 0) == 0 && name.size() > suffix.size() &&
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
    return "Netwright reads the storage types " + storage_type_list() +
           "; convert such tensors (tensor.float()) before saving";
  return "a PyTorch weight file holds only tensors, their storages, ordered dicts, numbers and "
         "strings, and loading anything else could run code (as torch.load(..., "
         "weights_only=True) refuses it). Save only the weights, torch.save(model.state_dict(), "
         "path), from a source you trust";
}

Value* object(pickle::Arena& a, const char* what, size_t index) {
  Value* v = a.make(Kind::Object);
  v->s = what;
  v->i = int64_t(index);
  return v;
}

const Value& arg(const Value& args, size_t i, Kind kind, const std::string& what) {
  const Value& v = *args.items[i];
  if (v.kind != kind)
    throw PickleError(what + " (argument " + std::to_string(i) + ") is " + pickle::describe(v));
  return v;
}

Shape ints(const Value& tuple, const std::string& what) {
  Shape out;
  for (const Value* v : tuple.items) {
    if (v->kind != Kind::Int) throw PickleError(what + " holds " + pickle::describe(*v));
    out.push_back(v->i);
  }
  return out;
}

}  // namespace

void StateDictLoader::fail(const std::string& where, const std::string& message) const {
  throw CheckpointError(file_, {Problem{where, message}});
}

const Value* StateDictLoader::unpickle(std::string_view bytes, size_t& pos,
                                       const std::string& where) {
  const pickle::Hooks hooks{
      [](const std::string& name) { return refuses(name); },
      [this](pickle::Arena& a, const Value& pid) { return persistent_load(a, pid); },
      [this](pickle::Arena& a, const std::string& f, const Value& args) {
        return reduce(a, f, args);
      }};
  try {
    return pickle::unpickle(bytes, pos, arena_, hooks);
  } catch (const PickleError& e) {
    fail(where + ", byte " + std::to_string(e.offset), e.what());
  }
}

nn::StateDict StateDictLoader::state_dict(const Value* root, const std::string& where,
                                          const StorageBytes& storage_bytes) {
  const Value* dict = state_dict_of(root, where);
  nn::StateDict out;
  std::vector<Problem> problems;
  std::map<size_t, std::string> loaded;
  std::set<std::string> keys;
  for (const auto& [k, v] : dict->entries) {
    if (k->kind != Kind::Str) {
      problems.push_back({where, "has a key that is " + pickle::describe(*k) +
                                     ", not a name such as 'fc1.weight'"});
      continue;
    }
    const std::string place = "key '" + k->s + "'";
    if (!keys.insert(k->s).second) {
      problems.push_back({place, "appears twice; the file is damaged"});
      continue;
    }
    if (v->kind != Kind::Object || v->s != kTensor) {
      problems.push_back({place, "holds " + pickle::describe(*v) +
                                     ", not a tensor; a state_dict maps names "
                                     "to tensors"});
      continue;
    }
    const TensorRef& t = tensors_[size_t(v->i)];
    const StorageRef& s = storages_[t.storage];
    if (const std::string why = check_view(t.view, s.numel); !why.empty()) {
      problems.push_back({place, "the tensor " + why + "; the file is damaged"});
      continue;
    }
    auto it = loaded.find(t.storage);
    if (it == loaded.end()) {
      std::string bytes;
      if (const std::string why = storage_bytes(s, bytes); !why.empty()) {
        problems.push_back({place, why});
        continue;
      }
      it = loaded.emplace(t.storage, std::move(bytes)).first;
    }
    out.emplace_back(k->s, copy_view(t.view, s.type, it->second));
  }
  if (!problems.empty()) throw CheckpointError(file_, problems);
  return out;
}

const StorageRef* StateDictLoader::storage(const std::string& key) const {
  const auto it = storage_index_.find(key);
  return it == storage_index_.end() ? nullptr : &storages_[it->second];
}

Value* StateDictLoader::persistent_load(pickle::Arena& a, const Value& pid) {
  const size_t n = pid.items.size();
  if (pid.kind != Kind::Tuple || n < 5 || n > 6 || pid.items[0]->kind != Kind::Str ||
      pid.items[0]->s != "storage")
    throw PickleError("a persistent id that is not ('storage', type, key, location, numel)");
  const Value& type = *pid.items[1];
  std::optional<StorageType> st = type.kind == Kind::Global ? storage_type(type.s) : std::nullopt;
  if (!st) throw PickleError("a storage of " + pickle::describe(type) + ", not a storage type");
  const std::string& key = arg(pid, 2, Kind::Str, "the storage key").s;
  arg(pid, 3, Kind::Str, "the storage location");
  const int64_t numel = arg(pid, 4, Kind::Int, "the storage size").i;
  if (numel < 0 || numel > (int64_t(1) << 40))
    throw PickleError("storage '" + key + "' claims " + std::to_string(numel) + " elements");
  if (n == 6 && pid.items[5]->kind != Kind::None)
    throw PickleError("storage '" + key +
                      "' is a view of another (PyTorch < 0.4); re-save it with a newer one");
  if (const StorageRef* seen = storage(key)) {
    if (seen->type.name != st->name || seen->numel != numel)
      throw PickleError("storage '" + key + "' is named twice with different types or sizes");
    return object(a, kStorage, storage_index_.at(key));
  }
  storage_index_[key] = storages_.size();
  storages_.push_back({key, *st, numel});
  return object(a, kStorage, storages_.size() - 1);
}

Value* StateDictLoader::reduce(pickle::Arena& a, const std::string& callable, const Value& args) {
  const size_t n = args.items.size();
  if (callable == "collections.OrderedDict") {
    if (n != 0) throw PickleError("OrderedDict is called with arguments");
    return a.make(Kind::Dict);
  }
  if (callable == "torch._utils._rebuild_tensor_v2") {
    if (n < 6 || n > 7)
      throw PickleError(callable + " takes 6 or 7 arguments, not " + std::to_string(n));
    const Value& s = *args.items[0];
    if (s.kind != Kind::Object || s.s != kStorage)
      throw PickleError(callable + " needs a storage, not " + pickle::describe(s));
    TensorRef t;
    t.storage = size_t(s.i);
    t.view.offset = arg(args, 1, Kind::Int, "the storage offset").i;
    t.view.sizes = ints(arg(args, 2, Kind::Tuple, "the size"), "the size");
    t.view.strides = ints(arg(args, 3, Kind::Tuple, "the stride"), "the stride");
    tensors_.push_back(std::move(t));
    return object(a, kTensor, tensors_.size() - 1);
  }
  if (callable != "torch._utils._rebuild_parameter" &&
      callable != "torch._utils._rebuild_parameter_with_state")
    throw PickleError("calls " + callable +
                      ", which a state_dict names but never calls; the file is damaged");
  // _rebuild_parameter(data, requires_grad, hooks[, state]): the tensor is the parameter.
  if (n < 1 || args.items[0]->kind != Kind::Object || args.items[0]->s != kTensor)
    throw PickleError(callable + " needs a tensor as its first argument");
  return args.items[0];
}

const Value* StateDictLoader::state_dict_of(const Value* root, const std::string& where) const {
  if (root->kind != Kind::Dict)
    fail(where, "holds " + pickle::describe(*root) +
                    ", not a state_dict; save the weights with "
                    "torch.save(model.state_dict(), path)");
  for (const auto& [k, v] : root->entries)
    if (v->kind == Kind::Object) return root;
  for (const char* name : {"state_dict", "model_state_dict", "model"})
    for (const auto& [k, v] : root->entries)
      if (k->kind == Kind::Str && k->s == name && v->kind == Kind::Dict) return v;
  return root;
}

}  // namespace nw::io::torch
