// Fitting a checkpoint's model state to a network: every difference is reported at once, by the
// HDF5 path the user can open with h5py, before anything is loaded.
#include <set>
#include <unordered_map>

#include "io/checkpoint.h"

namespace nw::io {

std::vector<Problem> check_model_state(const Checkpoint& ckpt, const nn::Module& model) {
  std::unordered_map<std::string, const Tensor*> saved;
  for (const auto& [key, t] : ckpt.model) saved[key] = &t;

  std::vector<Problem> problems;
  std::set<std::string> known;
  for (const auto& [key, own] : model.state_dict()) {
    known.insert(key);
    const std::string where = "/model_state_dict/" + key;
    auto it = saved.find(key);
    if (it == saved.end()) {
      problems.push_back({where, "missing from the checkpoint; the network has it with shape " +
                                     shape_str(own.sizes()) +
                                     " (was the checkpoint saved from another network?)"});
      continue;
    }
    const Tensor& t = *it->second;
    if (t.sizes() != own.sizes())
      problems.push_back({where, "shape " + shape_str(t.sizes()) + " in the checkpoint, " +
                                     shape_str(own.sizes()) + " in the network"});
    if (t.dtype() != own.dtype())
      problems.push_back({where, std::string("dtype ") + dtype_name(t.dtype()) +
                                     " in the checkpoint, " + dtype_name(own.dtype()) +
                                     " in the network; convert it to " + dtype_name(own.dtype())});
  }
  for (const auto& [key, t] : ckpt.model)
    if (!known.count(key))
      problems.push_back({"/model_state_dict/" + key,
                          "in the checkpoint but not in the network (was the checkpoint saved "
                          "from another network?)"});
  return problems;
}

void load_model_state(const Checkpoint& ckpt, nn::Module& model, const std::string& file) {
  std::vector<Problem> problems = check_model_state(ckpt, model);
  if (!problems.empty()) throw CheckpointError(file, std::move(problems));
  model.load_state_dict(ckpt.model, /*strict=*/true);
}

}  // namespace nw::io
