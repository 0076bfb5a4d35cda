// read_torch_weights: the restricted pickle hooks a state_dict needs (OrderedDict, storages by
// persistent id, _rebuild_tensor_v2, _rebuild_parameter), then the storages' bytes from the zip
// entries or from the end of a legacy file.
#include "io/torch_weights.h"

#include <fstream>
#include <functional>
#include <map>
#include <set>

#include "io/io_error.h"
#include "io/pickle_reader.h"
#include "io/torch_tensor.h"
#include "io/zip_archive.h"

namespace nw::io {

namespace fs = std::filesystem;
using pickle::Kind;
using pickle::PickleError;
using pickle::Value;

namespace {

// torch.save's legacy format starts with the pickled magic number 0x1950a86a20f9469cfc6c
// (protocol 2, LONG1 of 10 bytes, STOP); it is wider than 64 bits, so it is matched as bytes.
const std::string_view kLegacyMagic("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.",
                                    15);
constexpr int64_t kLegacyProtocol = 1001;
constexpr uint64_t kMaxPickleBytes = uint64_t(256) << 20;
const char* const kStorage = "a storage";
const char* const kTensor = "a tensor";

struct StorageRef {
  std::string key;
  torch::StorageType type;
  int64_t numel = 0;
};

struct TensorRef {
  size_t storage = 0;
  torch::TensorView view;
};

// Why a storage's bytes could not be had ("" when they are in `bytes`).
using StorageBytes = std::function<std::string(const StorageRef&, std::string& bytes)>;

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& where, const std::string& message) const {
    throw CheckpointError(file_, {Problem{where, message}});
  }

  Value* unpickle(std::string_view bytes, size_t& pos, const std::string& where) {
    const pickle::Hooks hooks{
        [](const std::string& name) { return allows(name); },
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

  nn::StateDict state_dict(const Value* root, const std::string& where,
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
      if (const std::string why = torch::check_view(t.view, s.numel); !why.empty()) {
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
      out.emplace_back(k->s, torch::copy_view(t.view, s.type, it->second));
    }
    if (!problems.empty()) throw CheckpointError(file_, problems);
    return out;
  }

  // The storage behind a persistent id, by key: (storage, type, key, location, numel[, view]).
  const StorageRef* storage(const std::string& key) const {
    const auto it = storage_index_.find(key);
    return it == storage_index_.end() ? nullptr : &storages_[it->second];
  }

 private:
  static bool allows(const std::string& name) {
    return name == "collections.OrderedDict" || name == "torch._utils._rebuild_tensor_v2" ||
           name == "torch._utils._rebuild_parameter" ||
           name == "torch._utils._rebuild_parameter_with_state" ||
           torch::storage_type(name).has_value();
  }

  static Value* object(pickle::Arena& a, const char* what, size_t index) {
    Value* v = a.make(Kind::Object);
    v->s = what;
    v->i = int64_t(index);
    return v;
  }

  static const Value& arg(const Value& args, size_t i, Kind kind, const std::string& what) {
    const Value& v = *args.items[i];
    if (v.kind != kind)
      throw PickleError(what + " (argument " + std::to_string(i) + ") is " + pickle::describe(v));
    return v;
  }

  static Shape ints(const Value& tuple, const std::string& what) {
    Shape out;
    for (const Value* v : tuple.items) {
      if (v->kind != Kind::Int) throw PickleError(what + " holds " + pickle::describe(*v));
      out.push_back(v->i);
    }
    return out;
  }

  Value* persistent_load(pickle::Arena& a, const Value& pid) {
    const size_t n = pid.items.size();
    if (pid.kind != Kind::Tuple || n < 5 || n > 6 || pid.items[0]->kind != Kind::Str ||
        pid.items[0]->s != "storage")
      throw PickleError("a persistent id that is not ('storage', type, key, location, numel)");
    const Value& type = *pid.items[1];
    std::optional<torch::StorageType> st =
        type.kind == Kind::Global ? torch::storage_type(type.s) : std::nullopt;
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

  Value* reduce(pickle::Arena& a, const std::string& callable, const Value& args) {
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

  // The root, or the state_dict a training checkpoint keeps under a well-known key.
  const Value* state_dict_of(const Value* root, const std::string& where) const {
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

  std::string file_;
  pickle::Arena arena_;
  std::vector<StorageRef> storages_;
  std::map<std::string, size_t> storage_index_;
  std::vector<TensorRef> tensors_;
};

std::string size_text(const StorageRef& s) {
  return std::to_string(s.numel) + " " + s.type.dtype + " elements (" +
         std::to_string(s.numel * int64_t(s.type.element_size)) + " bytes)";
}

nn::StateDict read_zip(const fs::path& path) {
  Loader loader(path.string());
  const ZipArchive zip(path);
  std::string dir;
  for (const std::string& name : zip.names()) {
    const size_t slash = name.find('/');
    if (slash != std::string::npos && name.substr(slash) == "/data.pkl") {
      dir = name.substr(0, slash);
      break;
    }
  }
  if (dir.empty())
    loader.fail("",
                "is a zip archive without <name>/data.pkl, so not a PyTorch weight file "
                "(torch.save writes <name>/data.pkl and <name>/data/<key>)");
  if (zip.has(dir + "/byteorder"))
    if (const std::string order = zip.read(dir + "/byteorder", 16); order != "little")
      loader.fail("zip entry '" + dir + "/byteorder'",
                  "the storages are '" + order +
                      "'-endian; Netwright reads little-endian files (re-save it on an x86 or "
                      "ARM machine)");
  const std::string pkl_name = dir + "/data.pkl";
  const std::string pkl = zip.read(pkl_name, kMaxPickleBytes);
  size_t pos = 0;
  const Value* root = loader.unpickle(pkl, pos, "zip entry '" + pkl_name + "'");
  return loader.state_dict(
      root, "zip entry '" + pkl_name + "'", [&](const StorageRef& s, std::string& bytes) {
        const std::string entry = dir + "/data/" + s.key;
        const std::optional<uint64_t> size = zip.size(entry);
        const uint64_t need = uint64_t(s.numel) * s.type.element_size;
        if (!size) return "its storage, zip entry '" + entry + "', is missing";
        if (*size != need)
          return "its storage, zip entry '" + entry + "', holds " + std::to_string(*size) +
                 " bytes, not the " + size_text(s) + " the pickle declares";
        bytes = zip.read(entry, need);
        return std::string();
      });
}

nn::StateDict read_legacy(const fs::path& path, const std::string& data) {
  Loader loader(path.string());
  if (data.compare(0, kLegacyMagic.size(), kLegacyMagic) != 0)
    loader.fail("",
                "is a pickle but does not start with torch.save's magic number, so it is "
                "not a PyTorch weight file; save one with torch.save(model.state_dict(), "
                "path)");
  size_t pos = kLegacyMagic.size();
  const Value* protocol = loader.unpickle(data, pos, "pickle 2 (protocol version)");
  if (protocol->kind != Kind::Int || protocol->i != kLegacyProtocol)
    loader.fail("pickle 2 (protocol version)",
                "is " +
                    (protocol->kind == Kind::Int ? std::to_string(protocol->i)
                                                 : pickle::describe(*protocol)) +
                    "; Netwright reads legacy protocol 1001 (PyTorch 0.4 and later)");
  const Value* info = loader.unpickle(data, pos, "pickle 3 (system info)");
  if (info->kind == Kind::Dict)
    for (const auto& [k, v] : info->entries)
      if (k->kind == Kind::Str && k->s == "little_endian" && (v->kind != Kind::Bool || !v->i))
        loader.fail("pickle 3 (system info)",
                    "the file was written on a big-endian machine; Netwright reads "
                    "little-endian files");
  const Value* root = loader.unpickle(data, pos, "pickle 4 (the state_dict)");
  const Value* keys = loader.unpickle(data, pos, "pickle 5 (storage keys)");
  if (keys->kind != Kind::List)
    loader.fail("pickle 5 (storage keys)", "is " + pickle::describe(*keys) + ", not a list");
  std::map<std::string, std::string_view> stored;
  const std::string_view all(data);
  for (const Value* k : keys->items) {
    const std::string where = "storage data at byte " + std::to_string(pos);
    const StorageRef* s = k->kind == Kind::Str ? loader.storage(k->s) : nullptr;
    if (!s) loader.fail(where, "is listed under a key no tensor uses; the file is damaged");
    if (data.size() - pos < 8) loader.fail(where, "the file ends early; it is truncated");
    int64_t numel = 0;
    for (int b = 7; b >= 0; --b) numel = int64_t(uint64_t(numel) << 8 | uint8_t(data[pos + b]));
    pos += 8;
    const uint64_t need = uint64_t(s->numel) * s->type.element_size;
    if (numel != s->numel)
      loader.fail(where, "storage '" + s->key + "' holds " + std::to_string(numel) +
                             " elements, not the " + size_text(*s) + " the pickle declares");
    if (data.size() - pos < need)
      loader.fail(where, "storage '" + s->key + "' needs " + size_text(*s) + ", " +
                             std::to_string(data.size() - pos) +
                             " bytes are left; the file is truncated");
    stored[s->key] = all.substr(pos, need);
    pos += need;
  }
  return loader.state_dict(
      root, "pickle 4 (the state_dict)", [&](const StorageRef& s, std::string& bytes) {
        const auto it = stored.find(s.key);
        if (it == stored.end())
          return "its storage '" + s.key + "' is not among the stored ones; the file is damaged";
        bytes = it->second;
        return std::string();
      });
}

std::string first_bytes(const fs::path& file, size_t n) {
  std::ifstream in(file, std::ios::binary);
  std::string head(n, '\0');
  in.read(head.data(), std::streamsize(n));
  head.resize(size_t(in.gcount()));
  return head;
}

bool is_zip(const std::string& head) {
  return head.rfind("PK\x03\x04", 0) == 0;
}

}  // namespace

bool is_torch_weights_file(const fs::path& file) {
  const std::string head = first_bytes(file, 4);
  return is_zip(head) ||
         (head.size() >= 2 && uint8_t(head[0]) == 0x80 && head[1] >= 2 && head[1] <= 5);
}

nn::StateDict read_torch_weights(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    throw CheckpointError(file.string(), {Problem{"", "is not a file; check the path"}});
  if (is_zip(first_bytes(file, 4))) return read_zip(file);
  std::ifstream in(file, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof())
    throw CheckpointError(file.string(),
                          {Problem{"", "cannot be read; check that it is readable"}});
  return read_legacy(file, data);
}

}  // namespace nw::io
