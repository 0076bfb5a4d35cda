// read_checkpoint: opens the file (refusing what is not a Netwright checkpoint at once), then reads
// every part, collecting each malformed entry as a problem named by its HDF5 path before throwing.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "io/checkpoint.h"
#include "io/h5_heap_check.h"
#include "io/h5_util.h"

namespace nw::io {

namespace fs = std::filesystem;

namespace {

const char* const kOptimizer = "/optimizer_state_dict";
const char* const kDtypeFix =
    "; Netwright reads float32, float64, int64, uint8 and bool (numpy: .astype('float32'))";

std::optional<int64_t> parse_index(const std::string& s) {
  int64_t v = -1;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& message) const {
    throw CheckpointError(file_, {Problem{"", message}});
  }

  h5::Id open(const fs::path& path) const {
    std::error_code ec;
    if (!fs::exists(path, ec)) fail("no such file; check the path");
    if (!fs::is_regular_file(path, ec)) fail("is not a file; pass a checkpoint (.h5) file");
    if (fs::file_size(path, ec) == 0)
      fail(
          "the file is empty (0 bytes), as an interrupted write or copy leaves it; use an earlier "
          "checkpoint");
    const htri_t is_h5 = H5Fis_hdf5(path.c_str());
    if (is_h5 < 0) fail("cannot be opened; check that it is readable");
    if (is_h5 == 0)
      fail(
          file_ +
          " is not an HDF5 file (it may be truncated or another format); pass a "
          "checkpoint written by Netwright (--init and File > Import > Weights also take a PyTorch "
          ".pt/.pth state_dict; tools/torch_to_netwright.py converts one to a checkpoint)");
    if (const std::string heap = h5::damaged_global_heap(path); !heap.empty())
      fail("the HDF5 file is damaged (" + heap + "); use an earlier checkpoint");
    h5::Id f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!f.ok())
      fail(
          "the HDF5 file is damaged or truncated and cannot be opened; use an earlier "
          "checkpoint");
    return f;
  }

  // The attributes on /, after the format check: what both readers start from.
  Checkpoint header(hid_t root) {
    Checkpoint c;
    check_format(root);
    c.epoch = integer(root, "epoch", "/").value_or(0);
    c.batch = integer(root, "batch", "/").value_or(0);
    c.loss = number(root, "loss", "/").value_or(0.0);
    c.created = word(root, "created", "/").value_or("");
    return c;
  }

  Checkpoint read(hid_t root) {
    Checkpoint c = header(root);
    c.project = word(root, "project", "/").value_or("");
    model(root, c);
    optimizer(root, c);
    if (h5::Id g = h5::open_group(root, "scheduler_state_dict"); g.ok()) {
      c.scheduler_type = word(g.get(), "type", "/scheduler_state_dict").value_or("");
      c.scheduler = values(g.get(), "/scheduler_state_dict", {"type"});
    }
    rng(root, c);
    if (h5::Id g = h5::open_group(root, "trainer_state"); g.ok())
      c.trainer = values(g.get(), "/trainer_state", {});
    history(root, c);
    if (!problems_.empty()) throw CheckpointError(file_, problems_);
    return c;
  }

  // The header, project, trainer state and history only: no tensor besides the history is read.
  Checkpoint read_summary(hid_t root) {
    Checkpoint c = header(root);
    c.project = word(root, "project", "/").value_or("");
    if (h5::Id g = h5::open_group(root, "trainer_state"); g.ok())
      c.trainer = values(g.get(), "/trainer_state", {});
    history(root, c);
    if (!problems_.empty()) throw CheckpointError(file_, problems_);
    return c;
  }

 private:
  void problem(const std::string& where, const std::string& message) {
    problems_.push_back(Problem{where, message});
  }
  static std::string at(const std::string& where, const std::string& attr) {
    return where + " (attribute '" + attr + "')";
  }

  // Refuses at once: without a known format nothing else can be trusted.
  void check_format(hid_t root) const {
    if (H5Aexists(root, "netwright_format") <= 0)
      fail(
          "this HDF5 file is not a Netwright checkpoint (no 'netwright_format' attribute on /); "
          "a PyTorch state_dict goes to --init and File > Import > Weights as a .pt/.pth file, or "
          "converts to a checkpoint with tools/torch_to_netwright.py");
    const h5::Attribute a = h5::read_attribute(root, "netwright_format");
    if (!a.int64)
      fail("/ (attribute 'netwright_format'): holds a " + a.type +
           ", not an integer; the file is damaged or not a Netwright checkpoint");
    if (*a.int64 > kCheckpointFormat)
      fail("written in checkpoint format " + std::to_string(*a.int64) +
           " by a newer Netwright; this version reads format " + std::to_string(kCheckpointFormat) +
           " and older: update Netwright to open it");
    if (*a.int64 < 1)
      fail("/ (attribute 'netwright_format'): " + std::to_string(*a.int64) +
           " is not a checkpoint format; the file is damaged");
  }

  // Optional typed attributes: absent gives nullopt; present and of the wrong kind, a problem.
  std::optional<optim::Value> value(hid_t obj, const std::string& name, const std::string& where) {
    if (H5Aexists(obj, name.c_str()) <= 0) return std::nullopt;
    h5::Attribute a = h5::read_attribute(obj, name);
    if (!a.value)
      problem(at(where, name),
              "holds a " + a.type + ", which is not a number, flag, list of numbers or string");
    return a.value;
  }
  std::optional<int64_t> integer(hid_t obj, const std::string& name, const std::string& where) {
    if (H5Aexists(obj, name.c_str()) <= 0) return std::nullopt;
    const h5::Attribute a = h5::read_attribute(obj, name);
    if (a.int64) return a.int64;
    // A whole number written from Python as a float (epoch = 3.0) is still a count.
    const double* d = a.value ? std::get_if<double>(&*a.value) : nullptr;
    if (d && std::nearbyint(*d) == *d && std::abs(*d) < 9e15) return int64_t(*d);
    problem(at(where, name), "expected a whole number, found " +
                                 (a.value ? optim::value_str(*a.value) : "a " + a.type));
    return std::nullopt;
  }
  std::optional<double> number(hid_t obj, const std::string& name, const std::string& where) {
    std::optional<optim::Value> v = value(obj, name, where);
    if (v && std::holds_alternative<double>(*v)) return std::get<double>(*v);
    if (v) problem(at(where, name), "expected a number, found " + optim::value_str(*v));
    return std::nullopt;
  }
  std::optional<std::string> word(hid_t obj, const std::string& name, const std::string& where) {
    std::optional<optim::Value> v = value(obj, name, where);
    if (v && std::holds_alternative<std::string>(*v)) return std::get<std::string>(*v);
    if (v) problem(at(where, name), "expected a string, found " + optim::value_str(*v));
    return std::nullopt;
  }
  optim::ValueMap values(hid_t obj, const std::string& where, const std::set<std::string>& skip) {
    optim::ValueMap out;
    for (const std::string& name : h5::attribute_names(obj))
      if (!skip.count(name))
        if (std::optional<optim::Value> v = value(obj, name, where)) out[name] = *v;
    return out;
  }

  // A dataset of a dtype Netwright has; undefined (and a problem) otherwise.
  Tensor tensor(hid_t loc, const std::string& name, const std::string& where) {
    if (!h5::has_link(loc, name)) {
      problem(where, "missing; the file is damaged or was not written by Netwright");
      return Tensor();
    }
    std::optional<h5::DatasetInfo> info = h5::dataset_info(loc, name);
    if (!info) {
      problem(where, h5::is_group(loc, name)
                         ? "is a group, not a dataset of numbers (a key such as 'fc1.weight' is "
                           "one dataset, not groups nested by its dots)"
                         : "is not a readable dataset; the file is damaged");
      return Tensor();
    }
    std::optional<DType> dtype = h5::dtype_of(info->type.get());
    if (!dtype) {
      problem(where, "has the unsupported dtype " + h5::type_name(info->type.get()) + kDtypeFix);
      return Tensor();
    }
    Tensor t = h5::read_tensor(loc, name, *dtype);
    if (!t.defined()) problem(where, "could not be read; the file is damaged or truncated");
    return t;
  }

  void model(hid_t root, Checkpoint& c) {
    const std::string base = "/model_state_dict";
    h5::Id g = h5::open_group(root, "model_state_dict");
    if (!g.ok()) {
      problem(base, "missing: a checkpoint holds the network's weights in this group");
      return;
    }
    std::vector<std::string> names = h5::child_names(g.get());
    std::vector<std::string> order;
    if (std::optional<std::vector<std::string>> keys = h5::read_strings(g.get(), "keys")) {
      for (const std::string& k : *keys)
        if (std::find(names.begin(), names.end(), k) != names.end())
          order.push_back(k);
        else
          problem(base + "/" + k,
                  "listed in the 'keys' attribute but missing; the file is "
                  "damaged");
    } else if (H5Aexists(g.get(), "keys") > 0) {
      problem(at(base, "keys"), "is not a list of strings; store the key order as strings");
    }
    for (const std::string& n : names)  // entries added by other tools, after the listed ones
      if (std::find(order.begin(), order.end(), n) == order.end()) order.push_back(n);
    for (const std::string& key : order)
      if (Tensor t = tensor(g.get(), key, base + "/" + key); t.defined())
        c.model.emplace_back(key, t);
  }

  void optimizer(hid_t root, Checkpoint& c) {
    h5::Id g = h5::open_group(root, "optimizer_state_dict");
    if (!g.ok()) return;
    c.optimizer_type = word(g.get(), "type", kOptimizer).value_or("");
    optim::OptimizerState opt;
    std::set<int64_t> grouped;
    // Only when every group's params were read can a state entry be said to belong to none.
    const bool groups_ok = param_groups(g.get(), opt, grouped);
    param_states(g.get(), opt, groups_ok ? &grouped : nullptr);
    c.optimizer = std::move(opt);
  }

  // Reads /optimizer_state_dict/param_groups/0, 1, ...; false when any could not be read.
  bool param_groups(hid_t opt_group, optim::OptimizerState& opt, std::set<int64_t>& grouped) {
    const std::string base = std::string(kOptimizer) + "/param_groups";
    h5::Id groups = h5::open_group(opt_group, "param_groups");
    if (!groups.ok()) {
      problem(base, "missing: an optimizer state needs its parameter groups");
      return false;
    }
    const std::vector<std::string> names = h5::child_names(groups.get());
    bool all_read = true;
    for (size_t i = 0; i < names.size(); ++i) {
      // Numbered 0, 1, ...; looked up by number, as h5py lists "10" before "2".
      const std::string where = base + "/" + std::to_string(i);
      h5::Id pg = h5::open_group(groups.get(), std::to_string(i));
      if (!pg.ok()) {
        std::string found;
        for (const std::string& n : names) found += (found.empty() ? "'" : ", '") + n + "'";
        problem(where, "missing: the parameter groups are " + found +
                           "; they must be groups named 0, 1, ... in order");
        all_read = false;
        continue;
      }
      optim::GroupState gs;
      gs.options = values(pg.get(), where, {});
      Tensor params = tensor(pg.get(), "params", where + "/params");
      if (params.defined() && (params.dtype() != kInt64 || params.dim() != 1)) {
        problem(where + "/params", "must be a 1-d int64 list of parameter indices, not " +
                                       std::string(dtype_name(params.dtype())) + " of shape " +
                                       shape_str(params.sizes()));
        params = Tensor();
      }
      all_read = all_read && params.defined();
      if (params.defined()) gs.params = params.to_vector<int64_t>();
      for (int64_t p : gs.params)
        if (p < 0 || !grouped.insert(p).second)
          problem(where + "/params", "parameter index " + std::to_string(p) +
                                         (p < 0 ? " is negative" : " is in two groups") +
                                         "; each parameter belongs to exactly one group");
      opt.param_groups.push_back(std::move(gs));
    }
    return all_read;
  }

  // Reads /optimizer_state_dict/state/<index>/<name>; `grouped`, when given, holds every index
  // the groups list.
  void param_states(hid_t opt_group, optim::OptimizerState& opt, const std::set<int64_t>* grouped) {
    h5::Id state = h5::open_group(opt_group, "state");
    if (!state.ok()) return;  // no parameter has been stepped yet
    for (const std::string& name : h5::child_names(state.get())) {
      const std::string where = std::string(kOptimizer) + "/state/" + name;
      std::optional<int64_t> index = parse_index(name);
      h5::Id entry = h5::open_group(state.get(), name);
      if (!index || !entry.ok()) {
        problem(where, "state entries must be groups named by parameter index (0, 1, ...)");
        continue;
      }
      if (grouped && !grouped->count(*index))
        problem(where, "parameter " + name + " is in no parameter group's 'params'");
      optim::ParamState ps;
      for (const std::string& key : h5::child_names(entry.get()))
        if (Tensor t = tensor(entry.get(), key, where + "/" + key); t.defined()) ps[key] = t;
      opt.state[*index] = std::move(ps);
    }
  }

  void rng(hid_t root, Checkpoint& c) {
    h5::Id g = h5::open_group(root, "rng_state");
    if (!g.ok()) return;
    for (const std::string& name : h5::attribute_names(g.get())) {
      h5::Attribute a = h5::read_attribute(g.get(), name);
      if (a.uint64)
        c.rng_exact[name] = *a.uint64;
      else if (a.value)
        c.rng[name] = *a.value;
      else
        problem(at("/rng_state", name), "holds a " + a.type +
                                            ", which is not a number, flag, "
                                            "list of numbers or string");
    }
  }

  void history(hid_t root, Checkpoint& c) {
    h5::Id g = h5::open_group(root, "history");
    if (!g.ok()) return;
    for (const std::string& metric : h5::child_names(g.get())) {
      const std::string where = "/history/" + metric;
      Tensor t = tensor(g.get(), metric, where);
      if (t.defined() && (t.dim() != 1 || t.dtype() == kBool))
        problem(where, "must be a 1-d list of numbers (one per epoch), not " +
                           std::string(dtype_name(t.dtype())) + " of shape " +
                           shape_str(t.sizes()));
      else if (t.defined())
        c.history[metric] = t.to_vector<double>();
    }
  }

  std::string file_;
  std::vector<Problem> problems_;
};

}  // namespace

Checkpoint read_checkpoint(const fs::path& path) {
  h5::QuietErrors quiet;
  Reader reader(path.string());
  h5::Id f = reader.open(path);
  return reader.read(f.get());
}

Checkpoint read_checkpoint_summary(const fs::path& path) {
  h5::QuietErrors quiet;
  Reader reader(path.string());
  h5::Id f = reader.open(path);
  return reader.read_summary(f.get());
}

}  // namespace nw::io
