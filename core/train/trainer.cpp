#include "train/trainer.h"

#include <chrono>
#include <cmath>
#include <ctime>
#include <sstream>

#include "autograd/grad_mode.h"
#include "backend/cuda_plugin.h"
#include "backend/math_mode.h"
#include "data/dataloader.h"
#include "dist/nccl_bridge.h"
#include "dist/rank_stream.h"
#include "nn/layers/loss.h"
#include "optim/scheduler_plateau.h"
#include "tensor/generator.h"
#include "train/sync_batchnorm.h"
#include "train/trainer_impl.h"

namespace nw::train {

const char* to_string(RunState s) {
  switch (s) {
    case RunState::Finished:
      return "finished";
    case RunState::Stopped:
      return "stopped";
    case RunState::EarlyStopped:
      return "early-stopped";
    case RunState::Failed:
      return "failed";
  }
  return "?";
}

namespace {

Device choose_device(const std::string& wanted) {
  if (wanted == "cpu") return Device();
  if (wanted == "cuda" || wanted.rfind("cuda:", 0) == 0) {
    if (!cuda_is_available())
      throw DeviceError("training.device is \"" + wanted + "\"; CUDA unavailable: " +
                        cuda_status().reason + "; set device to \"auto\" or \"cpu\"");
    return Device(wanted);
  }
  return cuda_is_available() ? Device(DeviceType::CUDA, 0) : Device();
}

}  // namespace

Trainer::Trainer(std::shared_ptr<graph::GraphModule> net, io::Datasets data,
                 io::TrainingConfig config, TrainerOptions options)
    : impl_(std::make_unique<Impl>()),
      net_(std::move(net)),
      data_(std::move(data)),
      config_(std::move(config)),
      options_(std::move(options)) {
  if (!net_) throw Error("Trainer: no network; compile the graph first");
  if (options_.comm) impl_->comm = options_.comm;
  // NOTE: the core has no 16-bit dtype yet, so there is no half-precision compute for autocast
  // to run or for optim::GradScaler to protect; training in float32 under either name would
  // report a speed-up that never happened.
  if (config_.precision != "fp32")
    throw Error("training.precision is \"" + config_.precision +
                "\", which is not computed yet (the core has no 16-bit tensors); set precision "
                "to \"fp32\"");
  impl_->device = choose_device(config_.device);
  // Process-wide, as PyTorch's switch is; only the CUDA plugin's convolutions read it.
  set_cudnn_benchmark(config_.cudnn_benchmark);
  if (impl_->world() > 1 && impl_->device.is_cuda()) {
    // Each rank on its own GPU, the gradients between them through NCCL.
    dist::RankDevice rd =
        dist::open_rank_device(*impl_->comm, impl_->device, config_.device.rfind("cuda:", 0) == 0);
    impl_->device = rd.device;
    impl_->device_comm = std::move(rd.comm);
  }
  net_->to(impl_->device);
  impl_->metrics =
      std::make_unique<DeviceMetrics>(options_.metrics_read_every > 0 ? options_.metrics_read_every
                                      : impl_->device.is_cuda()       ? kCudaMetricsReadEvery
                                                                      : 1);
  net_->apply_trainable();
  // Off, each rank normalises with its own batch (DDP's default); with one rank there is nothing
  // to synchronise.
  if (config_.sync_batchnorm && impl_->world() > 1) sync_batchnorm(*net_, *impl_->comm);
  // The weights are built (the same on every rank): from here each rank draws its own dropout.
  dist::use_rank_stream(default_generator(), impl_->rank());

  impl_->loss_type = config_.loss.value("type", std::string("CrossEntropyLoss"));
  task_ = task_for_loss(impl_->loss_type);
  impl_->logits = impl_->loss_type == "BCEWithLogitsLoss";
  loss_ = io::make_loss(config_.loss);
  loss_->to(impl_->device);

  if (config_.early_stopping)
    impl_->best_monitor = config_.early_stopping->monitor;
  else
    impl_->best_monitor = data_.validation ? "val_loss" : "train_loss";
  impl_->best_is_max = monitor_is_max(
      impl_->best_monitor, config_.early_stopping ? config_.early_stopping->mode : std::string());
  impl_->files = std::make_unique<RunFiles>(options_.out_dir, config_.keep_last);

  // A network with every node frozen can still be evaluated; run() refuses to train it.
  std::vector<Tensor> params = net_->trainable_parameters();
  if (params.empty()) return;
  if (impl_->world() > 1) {
    if (!impl_->device_comm) impl_->reducer_comm = impl_->comm->duplicate();
    impl_->reducer = std::make_unique<dist::GradientReducer>(
        params, impl_->device_comm ? *impl_->device_comm : *impl_->reducer_comm);
  }
  optimizer_ = io::make_optimizer(config_.optimizer, std::move(params));
  if (config_.scheduler.is_object()) {
    impl_->plateau = io::make_plateau(config_.scheduler, *optimizer_);
    impl_->plateau_monitor = config_.scheduler.value("monitor", std::string("val_loss"));
    io::ScheduleContext context;
    context.epochs = config_.epochs;
    if (data_.train) {
      // A rank's shard: the training set padded to a multiple of the world, split evenly.
      const int64_t k = impl_->world(), shard = (data_.train->size() + k - 1) / k;
      context.steps_per_epoch = (shard + config_.batch_size - 1) / config_.batch_size;
    }
    scheduler_ = io::make_scheduler(config_.scheduler, *optimizer_, context);
    impl_->per_batch_schedule = io::scheduler_steps_per_batch(config_.scheduler);
  }
  // Rank 0's shard stands for the run: no collective is added for it.
  if (options_.health_every > 0 && impl_->rank() == 0)
    impl_->health = std::make_unique<LayerHealth>(*net_);
}

Trainer::~Trainer() = default;

std::string Trainer::gradient_exchange() const {
  return impl_->device_comm ? impl_->device_comm->backend() : impl_->comm->backend();
}

void Trainer::request_stop() {
  stop_ = true;
  std::lock_guard<std::mutex> lock(pause_mutex_);
  pause_cv_.notify_all();
}

void Trainer::pause() {
  paused_ = true;
}

void Trainer::resume() {
  std::lock_guard<std::mutex> lock(pause_mutex_);
  paused_ = false;
  pause_cv_.notify_all();
}

}  // namespace nw::train
