// read_torch_weights: where the zip and the legacy format keep the pickle and the storages' bytes
// (the pickle itself is read by torch_pickle.h), and telling them apart by their first bytes.
#include "io/torch_weights.h"

#include <fstream>
#include <map>

#include "io/io_error.h"
#include "io/torch_pickle.h"
#include "io/zip_archive.h"

namespace nw::io {

namespace fs = std::filesystem;
using pickle::Kind;
using pickle::Value;

namespace {

// torch.save's legacy format starts with the pickled magic number 0x1950a86a20f9469cfc6c
// (protocol 2, LONG1 of 10 bytes, STOP); it is wider than 64 bits, so it is matched as bytes.
const std::string_view kLegacyMagic("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.",
                                    15);
constexpr int64_t kLegacyProtocol = 1001;
constexpr uint64_t kMaxPickleBytes = uint64_t(256) << 20;

std::string size_text(const torch::StorageRef& s) {
  return std::to_string(s.numel) + " " + s.type.dtype + " elements (" +
         std::to_string(s.numel * int64_t(s.type.element_size)) + " bytes)";
}

nn::StateDict read_zip(const fs::path& path) {
  torch::StateDictLoader loader(path.string());
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
      root, "zip entry '" + pkl_name + "'", [&](const torch::StorageRef& s, std::string& bytes) {
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
  torch::StateDictLoader loader(path.string());
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
    const torch::StorageRef* s = k->kind == Kind::Str ? loader.storage(k->s) : nullptr;
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
      root, "pickle 4 (the state_dict)", [&](const torch::StorageRef& s, std::string& bytes) {
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
