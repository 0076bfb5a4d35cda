// write_checkpoint: the layout of core/io/checkpoint.h, written to a temporary file that replaces
// the target only once it is complete and flushed.
#include <ctime>
#include <set>

#include "io/atomic_file.h"
#include "io/checkpoint.h"
#include "io/h5_util.h"

namespace nw::io {

namespace fs = std::filesystem;

namespace {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

class Writer {
 public:
  explicit Writer(std::string file) : file_(std::move(file)) {}

  void write(hid_t root, const Checkpoint& c) {
    attribute(h5::write_int64(root, "netwright_format", kCheckpointFormat), "/",
              "netwright_format");
    attribute(h5::write_int64(root, "epoch", c.epoch), "/", "epoch");
    attribute(h5::write_int64(root, "batch", c.batch), "/", "batch");
    attribute(h5::write_value(root, "loss", c.loss), "/", "loss");
    attribute(h5::write_value(root, "created", c.created.empty() ? utc_now() : c.created), "/",
              "created");
    attribute(h5::write_value(root, "project", c.project), "/", "project");

    model(root, c.model);
    if (c.optimizer) optimizer(root, *c.optimizer, c.optimizer_type);
    if (c.scheduler) {
      h5::Id g = group(root, "scheduler_state_dict", "/");
      typed_values(g.get(), *c.scheduler, c.scheduler_type, "/scheduler_state_dict");
    }
    rng(root, c);
    h5::Id trainer = group(root, "trainer_state", "/");
    values(trainer.get(), c.trainer, "/trainer_state");
    h5::Id history = group(root, "history", "/");
    for (const auto& [metric, per_epoch] : c.history) {
      const std::string where = "/history/" + metric;
      link_name(metric, where, "history metric");
      written(h5::write_doubles(history.get(), metric, per_epoch), where);
    }
  }

 private:
  [[noreturn]] void fail(const std::string& where, const std::string& message) const {
    throw CheckpointError(file_, {Problem{where, message}});
  }
  void written(bool ok, const std::string& where) const {
    if (!ok)
      fail(where,
           "could not be written; check the free disk space and that the folder is "
           "writable");
  }
  void attribute(bool ok, const std::string& where, const std::string& name) const {
    written(ok, where + " (attribute '" + name + "')");
  }
  // '/' would nest groups and '.' names the group itself, so neither may be a key.
  void link_name(const std::string& name, const std::string& where, const char* what) const {
    if (name.empty() || name == "." || name.find('/') != std::string::npos)
      fail(where, std::string(what) + " '" + name +
                      "' cannot be an HDF5 name (it is empty, '.' or contains '/'); rename it");
  }
  h5::Id group(hid_t loc, const std::string& name, const std::string& parent) const {
    h5::Id g = h5::create_group(loc, name, /*track_order=*/true);
    written(g.ok(), (parent == "/" ? parent : parent + "/") + name);
    return g;
  }

  void values(hid_t obj, const optim::ValueMap& map, const std::string& where) const {
    for (const auto& [key, value] : map) {
      if (key.empty()) fail(where, "a value has an empty name; name every entry");
      attribute(h5::write_value(obj, key, value), where, key);
    }
  }
  // A ValueMap beside a "type" attribute naming its owner (Adam, StepLR).
  void typed_values(hid_t obj, const optim::ValueMap& map, const std::string& type,
                    const std::string& where) const {
    if (map.count("type"))
      fail(where, "the key 'type' is reserved for the class name; rename the entry");
    attribute(h5::write_value(obj, "type", type), where, "type");
    values(obj, map, where);
  }

  void model(hid_t root, const nn::StateDict& state) const {
    h5::Id g = group(root, "model_state_dict", "/");
    std::vector<std::string> keys;
    std::set<std::string> seen;
    for (const auto& [key, t] : state) {
      const std::string where = "/model_state_dict/" + key;
      link_name(key, where, "state_dict key");
      if (!seen.insert(key).second)
        fail(where, "the key appears twice in the state dict; each key must be unique");
      if (!t.defined()) fail(where, "the tensor is undefined; register a value for it");
      written(h5::write_tensor(g.get(), key, t), where);
      keys.push_back(key);
    }
    // Python lists a group's members alphabetically unless told otherwise: keep PyTorch's order.
    attribute(h5::write_strings(g.get(), "keys", keys), "/model_state_dict", "keys");
  }

  void optimizer(hid_t root, const optim::OptimizerState& opt, const std::string& type) const {
    const std::string base = "/optimizer_state_dict";
    h5::Id g = group(root, "optimizer_state_dict", "/");
    attribute(h5::write_value(g.get(), "type", type), base, "type");
    h5::Id state = group(g.get(), "state", base);
    for (const auto& [index, param_state] : opt.state) {
      const std::string name = std::to_string(index);
      h5::Id entry = group(state.get(), name, base + "/state");
      for (const auto& [key, t] : param_state) {
        const std::string where = base + "/state/" + name + "/" + key;
        link_name(key, where, "optimizer state");
        if (!t.defined()) fail(where, "the tensor is undefined");
        written(h5::write_tensor(entry.get(), key, t), where);
      }
    }
    h5::Id groups = group(g.get(), "param_groups", base);
    for (size_t i = 0; i < opt.param_groups.size(); ++i) {
      const std::string name = std::to_string(i);
      const std::string where = base + "/param_groups/" + name;
      h5::Id pg = group(groups.get(), name, base + "/param_groups");
      values(pg.get(), opt.param_groups[i].options, where);
      written(h5::write_int64s(pg.get(), "params", opt.param_groups[i].params), where + "/params");
    }
  }

  void rng(hid_t root, const Checkpoint& c) const {
    h5::Id g = group(root, "rng_state", "/");
    for (const auto& [key, value] : c.rng_exact) {
      if (key.empty()) fail("/rng_state", "a counter has an empty name; name every entry");
      if (c.rng.count(key))
        fail("/rng_state", "'" + key +
                               "' is both in rng_exact and in rng; keep it in one (rng_exact for "
                               "seeds and counters)");
      attribute(h5::write_uint64(g.get(), key, value), "/rng_state", key);
    }
    values(g.get(), c.rng, "/rng_state");
  }

  std::string file_;
};

}  // namespace

void write_checkpoint(const fs::path& path, const Checkpoint& ckpt) {
  const std::string file = path.string();
  h5::QuietErrors quiet;
  try {
    write_atomic_with(path, [&](const fs::path& tmp) {
      // Top-level groups in the order written; file format 1.8 or later, so that attributes may
      // exceed 64 KiB (a long "keys" list) and h5py keeps the creation order.
      h5::Id fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
      H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
      h5::Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
      H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V18);
      h5::Id f(H5Fcreate(tmp.c_str(), H5F_ACC_EXCL, fcpl.get(), fapl.get()), H5Fclose);
      if (!f.ok())
        throw CheckpointError(file,
                              {Problem{"", "cannot create the temporary file '" + tmp.string() +
                                               "'; check that the folder exists and is "
                                               "writable"}});
      Writer(file).write(f.get(), ckpt);
      if (H5Fflush(f.get(), H5F_SCOPE_GLOBAL) < 0 || !f.close())
        throw CheckpointError(file, {Problem{"",
                                             "could not be flushed to disk; check the free "
                                             "disk space"}});
    });
  } catch (const CheckpointError&) {
    throw;
  } catch (const std::exception& e) {
    throw CheckpointError(file, {Problem{"", e.what()}});
  }
}

}  // namespace nw::io
