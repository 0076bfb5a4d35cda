#include "support/bad_checkpoints.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <iterator>
#include <stdexcept>

#include "io/h5_util.h"
#include "tensor/creation.h"

namespace nw::test {

namespace fs = std::filesystem;
namespace h5 = io::h5;

namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("write_bad_checkpoints: " + what);
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), std::streamsize(bytes.size()));
  require(bool(f), "cannot write " + path.string());
}

std::string read_bytes(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// Changes one thing in a copy of a good checkpoint with the HDF5 C API, as a damaged or
// hand-edited file would have it.
void edit(const fs::path& good, const fs::path& path, const std::function<bool(hid_t)>& change) {
  fs::copy_file(good, path, fs::copy_options::overwrite_existing);
  h5::QuietErrors quiet;
  h5::Id f(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
  require(f.ok() && change(f.get()) && f.close(), "cannot edit " + path.string());
}

// A dataset of `type` in place of `name`, left at HDF5's fill value (zeros).
bool replace_dataset(hid_t f, const std::string& name, hid_t type, const Shape& shape) {
  if (H5Ldelete(f, name.c_str(), H5P_DEFAULT) < 0) return false;
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  h5::Id space(H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose);
  h5::Id ds(H5Dcreate2(f, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
            H5Dclose);
  return ds.ok();
}

}  // namespace

std::vector<BadCheckpoint> write_bad_checkpoints(const fs::path& dir, const io::Checkpoint& good) {
  auto it = std::find_if(good.model.begin(), good.model.end(), [](const auto& entry) {
    return entry.second.is_floating_point() && entry.second.dim() >= 1;
  });
  require(it != good.model.end(), "the good checkpoint needs a floating tensor of rank >= 1");
  const std::string key = it->first;
  const Tensor& value = it->second;
  const std::string where = "/model_state_dict/" + key;

  fs::create_directories(dir);
  const fs::path good_path = dir / "good.h5";
  io::write_checkpoint(good_path, good);
  const std::string bytes = read_bytes(good_path);

  std::vector<BadCheckpoint> out;
  auto add = [&](const std::string& file, const std::string& expected, bool needs_network) {
    out.push_back({file, expected, needs_network});
    return dir / file;
  };

  // ---- not readable as a checkpoint at all
  write_bytes(add("empty.h5", "empty (0 bytes)", false), "");
  write_bytes(add("text.h5", "is not an HDF5 file", false),
              "{\"format\": 1, \"name\": \"a project file, not a checkpoint\"}\n");
  const std::vector<std::pair<std::string, size_t>> cuts = {
      {"truncated_to_8_bytes.h5", 8},
      {"truncated_to_200_bytes.h5", 200},
      {"truncated_half.h5", bytes.size() / 2},
      {"truncated_last_byte.h5", bytes.size() - 1}};
  for (const auto& [file, size] : cuts)
    write_bytes(add(file, "truncated", false), bytes.substr(0, size));
  {
    h5::QuietErrors quiet;
    h5::Id f(H5Fcreate(add("foreign.h5", "not a Netwright checkpoint", false).c_str(),
                       H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
             H5Fclose);
    require(f.ok() && h5::write_tensor(f.get(), "weights", value) && f.close(),
            "cannot write foreign.h5");
  }
  edit(good_path, add("no_format_attribute.h5", "no 'netwright_format' attribute", false),
       [](hid_t f) { return H5Adelete(f, "netwright_format") >= 0; });
  edit(good_path, add("newer_format.h5", "by a newer Netwright", false), [](hid_t f) {
    h5::Id a(H5Aopen(f, "netwright_format", H5P_DEFAULT), H5Aclose);
    const int64_t newer = io::kCheckpointFormat + 1;
    return a.ok() && H5Awrite(a.get(), H5T_NATIVE_INT64, &newer) >= 0;
  });
  edit(good_path,
       add("unsupported_dtype_int32.h5", where + ": has the unsupported dtype int32", false),
       [&](hid_t f) { return replace_dataset(f, where, H5T_STD_I32LE, value.sizes()); });

  // ---- readable, but not this network's state
  auto variant = [&](const std::string& file, const std::string& expected,
                     const std::function<void(nn::StateDict&)>& change) {
    io::Checkpoint c = good;
    change(c.model);
    io::write_checkpoint(add(file, expected, true), c);
  };
  auto entry = [&](nn::StateDict& m) -> Tensor& {
    return std::find_if(m.begin(), m.end(), [&](const auto& e) { return e.first == key; })->second;
  };
  variant("wrong_shape.h5", where + ": shape ", [&](nn::StateDict& m) {
    Shape bigger = value.sizes();
    bigger[0] += 1;
    entry(m) = zeros(bigger, value.dtype());
  });
  variant("missing_key.h5", where + ": missing from the checkpoint", [&](nn::StateDict& m) {
    m.erase(std::find_if(m.begin(), m.end(), [&](const auto& e) { return e.first == key; }));
  });
  variant("extra_key.h5",
          "/model_state_dict/extra.weight: in the checkpoint but not in the network",
          [](nn::StateDict& m) {
            m.emplace_back("extra.weight", zeros({2, 2}));
          });
  const DType other = value.dtype() == kFloat64 ? kFloat32 : kFloat64;
  variant("wrong_dtype.h5", where + ": dtype " + dtype_name(other) + " in the checkpoint",
          [&](nn::StateDict& m) { entry(m) = value.to(other); });

  // ---- malformed optimizer state
  if (good.optimizer && !good.optimizer->param_groups.empty()) {
    const std::string group = "/optimizer_state_dict/param_groups/0";
    edit(good_path, add("optimizer_group_without_params.h5", group + "/params: missing", false),
         [&](hid_t f) { return H5Ldelete(f, (group + "/params").c_str(), H5P_DEFAULT) >= 0; });
    edit(good_path,
         add("optimizer_params_not_integers.h5", group + "/params: must be a 1-d int64", false),
         [&](hid_t f) {
           const auto n = int64_t(good.optimizer->param_groups[0].params.size());
           return replace_dataset(f, group + "/params", H5T_IEEE_F64LE, {n});
         });
    edit(good_path, add("optimizer_group_renamed.h5", group + ": missing", false), [&](hid_t f) {
      return H5Lmove(f, group.c_str(), f, "/optimizer_state_dict/param_groups/first", H5P_DEFAULT,
                     H5P_DEFAULT) >= 0;
    });
  }
  return out;
}

}  // namespace nw::test
