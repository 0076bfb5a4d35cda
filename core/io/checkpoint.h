#pragma once
// Checkpoints as HDF5 files that a PyTorch user reads with h5py in a few lines:
//   /model_state_dict/<key>                      PyTorch's state_dict names, shapes and layouts
//   /optimizer_state_dict/state/<index>/<name>   as optimizer.state_dict()["state"]
//   /optimizer_state_dict/param_groups/<i>       hyperparameters as attributes, "params" dataset
//   /scheduler_state_dict                        attributes (lists as float64 arrays), "type"
//   /rng_state                                   attributes: generator seed and offset, ...
//   /trainer_state                               attributes: trainer bookkeeping
//   /history/<metric>                            one value per epoch
//   attributes on /: netwright_format (1), epoch, batch, loss, created, project (JSON text)
// See docs/checkpoint-format.md.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "io/io_error.h"
#include "nn/module.h"
#include "optim/optimizer.h"
#include "optim/value.h"

namespace nw::io {

constexpr int kCheckpointFormat = 1;

struct Checkpoint {
  nn::StateDict model;  // float32 params/buffers, int64 counters
  std::optional<optim::OptimizerState> optimizer;
  std::string optimizer_type;  // "Adam"; attribute on /optimizer_state_dict
  std::optional<optim::ValueMap> scheduler;
  std::string scheduler_type;
  // Random state. `rng_exact` holds the counters that must come back bit for bit: the
  // generator's "seed" and "offset" and the data loader's "epoch" (its shuffling order), stored as
  // uint64 attributes. NOTE: never put those in `rng`: a double keeps only 53 bits, and a seed
  // such as 0xFFFFFFFFFFFFFFF1 would come back changed. `rng` holds any other random-state values
  // (float64, flag or word attributes). Both share /rng_state, so a key may be in only one; on
  // reading, non-negative integer attributes go to `rng_exact`, the rest to `rng`.
  std::map<std::string, uint64_t> rng_exact;
  optim::ValueMap rng;
  std::map<std::string, std::vector<double>> history;  // "train_loss" -> per epoch
  int64_t epoch = 0;                                   // epochs completed
  int64_t batch = 0;  // batches of the next epoch already done (a mid-epoch stop)
  double loss = 0.0;
  std::string created;      // ISO 8601; filled on write when empty
  std::string project;      // the full project JSON
  optim::ValueMap trainer;  // trainer bookkeeping (best metric, early-stopping count, ...)
};

// Atomic. Throws CheckpointError naming the path on I/O failure.
void write_checkpoint(const std::filesystem::path& path, const Checkpoint& ckpt);
// Throws CheckpointError: not a file, not HDF5 ("… is not an HDF5 file"), truncated, not a
// Netwright checkpoint, newer format, or any malformed entry (each named by its HDF5 path).
Checkpoint read_checkpoint(const std::filesystem::path& path);
// What a run listing needs, without the tensors: epoch, batch, loss, created, the project, the
// trainer state and the history (model, optimizer and scheduler stay empty). Throws as
// read_checkpoint does for a file that is not a Netwright checkpoint or whose read parts are
// malformed.
Checkpoint read_checkpoint_summary(const std::filesystem::path& path);

// Compares a checkpoint's model entries with a module's state_dict: every missing, unexpected and
// mismatched (shape or dtype) key, as problems named by HDF5 path. Empty when they fit.
std::vector<Problem> check_model_state(const Checkpoint& ckpt, const nn::Module& model);
// check_model_state, then load_state_dict. Throws CheckpointError listing every problem before
// changing anything.
void load_model_state(const Checkpoint& ckpt, nn::Module& model, const std::string& file);

}  // namespace nw::io
