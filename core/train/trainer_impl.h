#pragma once
// The trainer's run state, shared by its source files (not part of the public API).
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "data/dataloader.h"
#include "dist/gradient_reducer.h"
#include "dist/single_communicator.h"
#include "optim/scheduler_plateau.h"
#include "train/device_metrics.h"
#include "train/health_warnings.h"
#include "train/layer_health.h"
#include "train/metrics.h"
#include "train/run_files.h"
#include "train/trainer.h"

namespace nw::train {

// Where a run stands: everything beyond the model, optimizer and scheduler that a checkpoint must
// carry to continue exactly.
struct Trainer::Impl {
  Device device;
  dist::SingleCommunicator alone;  // the world when TrainerOptions::comm is null
  dist::Communicator* comm = &alone;
  // With more than one rank, the reducer's communicator, declared before the reducer, which uses
  // it: NCCL between the ranks' GPUs (dist/nccl_bridge.h) when training on CUDA, else a duplicate
  // of `comm`, so that its all-reduces in flight during backward never pair with
  // sync_batchnorm's or the metrics' collectives.
  std::unique_ptr<dist::Communicator> device_comm;
  std::unique_ptr<dist::Communicator> reducer_comm;
  std::unique_ptr<dist::GradientReducer> reducer;
  int rank() const { return comm->rank(); }
  int world() const { return comm->size(); }
  std::unique_ptr<data::DataLoader> train_loader;
  std::unique_ptr<DeviceMetrics> metrics;  // the training batches' figures between reads
  std::unique_ptr<optim::ReduceLROnPlateau> plateau;
  std::unique_ptr<LayerHealth> health;  // rank 0, when TrainerOptions::health_every > 0
  HealthWarnings health_rules;
  std::string plateau_monitor = "val_loss";
  bool per_batch_schedule = false;  // OneCycleLR steps after every batch
  bool logits = false;              // BCEWithLogitsLoss: the binary threshold is 0
  std::string loss_type;

  int64_t epochs_done = 0;
  int64_t batches_done = 0;  // of epoch epochs_done + 1, after a mid-epoch stop (this rank's)
  int64_t samples_seen = 0;  // over every rank
  Tally partial;  // the unfinished epoch's sums over every rank, so its statistics survive a resume
  double partial_seconds = 0.0;
  double last_loss = 0.0;

  std::string best_monitor;
  bool best_is_max = false;
  bool has_best = false;
  double best = 0.0;
  bool has_es_best = false;
  double es_best = 0.0;
  int64_t es_bad = 0;

  std::unique_ptr<RunFiles> files;
  std::string record_started;  // run.json's "started": when this trainer first ran
  std::filesystem::path last_checkpoint, best_checkpoint;
};

// Larger is better for accuracies (or mode "max"), smaller for losses.
inline bool monitor_is_max(const std::string& metric, const std::string& mode) {
  if (!mode.empty()) return mode == "max";
  return metric.find("accuracy") != std::string::npos;
}

inline std::optional<double> metric_of(const EpochStats& e, const std::string& name) {
  if (name == "val_loss") return e.val_loss;
  if (name == "val_accuracy") return e.val_accuracy;
  if (name == "train_loss") return e.train_loss;
  if (name == "train_accuracy") return e.train_accuracy;
  return std::nullopt;
}

inline double group_lr(const optim::Optimizer& opt) {
  return opt.param_groups().empty() ? 0.0 : opt.param_groups().front().lr();
}

}  // namespace nw::train
