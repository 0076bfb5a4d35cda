#pragma once
// The training loop as a job: it takes a compiled network, the datasets and the training
// configuration, runs epochs of training and validation, and reports through callbacks, never
// by printing. Another thread may stop, pause and resume it. A checkpoint holds everything needed
// to continue, so a run stopped after epoch 2 and resumed for epochs 3-5 ends bit-identical, on
// the CPU, to an uninterrupted run.
//
//   Trainer trainer(net, datasets, project.training, {.out_dir = "runs/mlp"});
//   trainer.callbacks().on_epoch_end = [](const EpochStats& e) { ... };
//   RunResult r = trainer.run();
//
// Data-parallel (TrainerOptions::comm with several ranks): each rank trains on its shard of every
// epoch (DataLoaderOptions::shard) and averages gradients after backward (dist::GradientReducer),
// so every rank takes the same step as one process at world x batch_size. The statistics in
// BatchStats and EpochStats, validation and evaluation are summed over ranks, so every rank sees
// the numbers one process would; rank 0 alone writes checkpoints and calls the callbacks (other
// ranks pass on only error messages, and on_finished). On CUDA each rank trains on its own GPU
// and the gradients go between them through NCCL (dist/nccl_bridge.h).
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "graph/compile.h"
#include "io/checkpoint.h"
#include "io/config.h"
#include "train/health_sample.h"
#include "train/run_record.h"

namespace nw::dist {
class Communicator;
}

namespace nw::train {

enum class Task { Classification, Binary, Regression };  // from the loss: argmax, 0.5, none

struct BatchStats {
  int64_t epoch = 0;               // 1-based
  int64_t batch = 0;               // 1-based within the epoch
  int64_t batches = 0;             // per epoch
  int64_t samples_seen = 0;        // in this run, all epochs
  double loss = 0.0;               // this batch's mean loss
  std::optional<double> accuracy;  // this batch's, a fraction
  double lr = 0.0;
  double samples_per_second = 0.0;  // over the epoch so far
  // The batch after which this one's figures were read from the device (train/device_metrics.h):
  // batch itself when reads are per batch, else the next multiple of the read interval or the
  // epoch's last batch. The callback runs at that read.
  int64_t read_at = 0;
};

struct EpochStats {
  int64_t epoch = 0;  // 1-based
  double train_loss = 0.0;
  std::optional<double> train_accuracy;
  std::optional<double> val_loss, val_accuracy;
  double seconds = 0.0;
  double lr = 0.0;
  // best.h5 holds this epoch's weights: the monitored metric (early stopping's, else val_loss,
  // else train_loss) improved. What a dashboard headlines as "best" is what Evaluate loads.
  bool best = false;
};

struct EvalResult {
  std::string split;  // "test", "validation", "train"
  int64_t samples = 0;
  double loss = 0.0;
  std::optional<double> accuracy;
  // Classification only: counts[target][predicted], and per-class precision and recall.
  std::vector<std::vector<int64_t>> confusion;
  std::vector<double> precision, recall;
};

enum class RunState { Finished, Stopped, EarlyStopped, Failed };
struct RunResult {
  RunState state = RunState::Finished;
  std::string reason;  // for Failed: what happened and where ("loss is NaN at epoch 2, batch 17")
  int64_t epochs_done = 0;
  std::optional<EpochStats> last;
  std::filesystem::path last_checkpoint, best_checkpoint;  // empty when none written
};
const char* to_string(RunState s);

enum class MessageLevel { Info, Warning, Error };

struct Callbacks {
  std::function<void(const BatchStats&)> on_batch_end;
  std::function<void(const EpochStats&)> on_epoch_end;
  std::function<void(const EvalResult&)> on_evaluation;
  std::function<void(MessageLevel, const std::string&)> on_message;
  std::function<void(const std::filesystem::path&)> on_checkpoint;
  std::function<void(const RunResult&)> on_finished;
  // Every TrainerOptions::health_every batches, on rank 0 (train/layer_health.h).
  std::function<void(const HealthSample&)> on_health;
};

// A sampled step costs a few forward-sized passes over the activations and the weights on the
// host; one in 50 keeps the average cost near 1% (bench/bench_health) while a run of a few
// hundred batches still gets a curve.
inline constexpr int64_t kHealthEvery = 50;

struct TrainerOptions {
  std::filesystem::path out_dir;  // empty: write no checkpoints
  std::string project_json;       // stored in each checkpoint
  int64_t limit = 0;              // > 0: use only the first `limit` samples of each split
  int num_workers = 0;            // loader threads
  // The ranks of a data-parallel run (dist::world() under mpirun); null: a world of one. Must
  // outlive the trainer.
  dist::Communicator* comm = nullptr;
  // How often the batch losses and counts come back from the device (train/device_metrics.h);
  // 0 picks by device: every batch on the CPU, where the figures are already in host memory and
  // a read waits for nothing, and every kCudaMetricsReadEvery batches on CUDA. NOTE: a stop or
  // pause asked for from on_batch_end lands after the read that called it.
  int64_t metrics_read_every = 0;
  // > 0: stop, as request_stop() would, once this many batches of this run are trained; exact
  // whatever the read schedule, unlike a request from on_batch_end.
  int64_t stop_after_batches = 0;
  // What run.json (train/run_record.h) says beyond what the trainer knows: the settings a sweep
  // or `--set` changed, and the sweep membership. Rank 0 writes run.json in out_dir at the start,
  // after each epoch and at the end.
  RunTags tags;
  // Layer health (train/layer_health.h) every this many batches of the run, counted from its
  // first; 0: never. Warnings about layers in trouble go to on_message.
  int64_t health_every = kHealthEvery;
};

// 16 CUDA steps of a small network take a few milliseconds: a read that often costs the device
// one drained queue per 16 steps, while the live plots, which batch points for ~100 ms anyway,
// still move smoothly.
inline constexpr int64_t kCudaMetricsReadEvery = 16;

struct Tally;  // train/metrics.h

class Trainer {
 public:
  // `net` must outlive nothing: the trainer shares it. Builds the loss, the optimizer over the
  // trainable parameters and the scheduler from `config` (throws io::ProjectError on bad specs).
  Trainer(std::shared_ptr<graph::GraphModule> net, io::Datasets data, io::TrainingConfig config,
          TrainerOptions options = {});
  ~Trainer();

  Callbacks& callbacks() { return callbacks_; }

  // Trains until config.epochs epochs are done (counting those a resumed checkpoint had done),
  // the run is stopped, early stopping triggers, or it fails. Never throws for training
  // failures (NaN loss, I/O errors): they become RunState::Failed with a reason.
  RunResult run();
  // The test split by default. Loss, accuracy, confusion matrix, precision and recall.
  EvalResult evaluate(const std::string& split = "test");

  // From any thread. Stop takes effect at the next batch boundary and writes a checkpoint.
  void request_stop();
  void pause();
  void resume();
  bool paused() const { return paused_; }

  // Continue a run: weights, buffers, optimizer, scheduler, epoch and batch position, random
  // generator state, history. Throws io::CheckpointError when the checkpoint does not fit.
  void restore(const io::Checkpoint& ckpt, const std::string& file);
  // The state now, as a checkpoint.
  io::Checkpoint snapshot() const;

  // What the gradients go through: "single", "mpi", or "nccl" (CUDA with several ranks).
  std::string gradient_exchange() const;
  Task task() const { return task_; }
  const std::map<std::string, std::vector<double>>& history() const { return history_; }
  graph::GraphModule& net() { return *net_; }
  optim::Optimizer& optimizer() { return *optimizer_; }

 private:
  struct Impl;
  void message(MessageLevel level, const std::string& text);
  bool wait_while_paused();   // false when a stop was requested
  bool stop_agreed();         // at a batch boundary: a stop requested on any rank
  bool writes_files() const;  // rank 0 of a run with an out_dir
  // Reads the buffered batches' figures, adds them to the epoch's sums and reports each through
  // on_batch_end; the reason for failing when a batch's loss is not finite (naming that batch).
  std::optional<std::string> read_metrics(int64_t epoch, int64_t batches, int64_t samples_at_start);
  std::filesystem::path save_numbered();
  // Loss and accuracy over a dataset in eval mode; fills eval's confusion matrix when given.
  Tally run_loss_pass(const data::Dataset& dataset, EvalResult* eval);
  void record_history(const EpochStats& es);
  bool improves_best(const EpochStats& es);  // records the new best; true when it is one
  void save_best(const EpochStats& es);
  bool early_stop_due(const EpochStats& es);

  std::unique_ptr<Impl> impl_;
  std::shared_ptr<graph::GraphModule> net_;
  io::Datasets data_;
  io::TrainingConfig config_;
  TrainerOptions options_;
  Callbacks callbacks_;
  nn::ModulePtr loss_;
  std::unique_ptr<optim::Optimizer> optimizer_;
  std::unique_ptr<optim::LRScheduler> scheduler_;
  Task task_ = Task::Classification;
  std::map<std::string, std::vector<double>> history_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> paused_{false};
  std::mutex pause_mutex_;
  std::condition_variable pause_cv_;
};

// Transfer learning: copies every entry of `ckpt` whose key and shape match into `net`.
struct InitReport {
  std::vector<std::string> loaded, skipped, mismatched;  // skipped: in the checkpoint only
  std::string to_string() const;
};
InitReport init_from_checkpoint(graph::GraphModule& net, const io::Checkpoint& ckpt,
                                const std::vector<std::string>& only_nodes = {});

}  // namespace nw::train
