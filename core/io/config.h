#pragma once
// The data and training sections of a project, typed. Parsing checks every field and reports
// problems with their JSON locations ("training.optimizer.lr: expected a positive number, got
// -1"); unknown keys are kept in `extra` and written back.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "io/io_error.h"
#include "nn/module.h"
#include "optim/optimizer.h"
#include "optim/scheduler.h"
#include "optim/scheduler_plateau.h"

namespace nw::io {

// One data source, as written: {"source": "fashion-mnist", "split": "train"}. The source kinds
// and their keys are the catalog's (io::data_sources(), `netwright-cli catalog data-sources`).
// Kept as JSON; checked by check_source and opened by open_source.
struct DataSource {
  nlohmann::json spec = nlohmann::json::object();
  std::string kind() const;  // spec["source"]
};

struct DataConfig {
  std::optional<DataSource> train, test;
  double validation_fraction = 0.0;                     // taken from train, by a seeded split
  nlohmann::json transforms = nlohmann::json::array();  // [{"type": "normalize", ...}]
  nlohmann::json extra = nlohmann::json::object();
};

struct EarlyStopping {
  std::string monitor = "val_loss";  // val_loss, val_accuracy, train_loss, train_accuracy
  int64_t patience = 3;
  double min_delta = 0.0;
  std::string mode;  // "min" or "max"; empty: from the metric (loss min, accuracy max)
};

struct TrainingConfig {
  nlohmann::json loss = {{"type", "CrossEntropyLoss"}};          // type + PyTorch kwargs
  nlohmann::json optimizer = {{"type", "Adam"}, {"lr", 0.001}};  // type + PyTorch kwargs
  nlohmann::json scheduler;  // null, or type + PyTorch kwargs ("StepLR", step_size, gamma)
  int64_t batch_size = 64;
  int64_t epochs = 5;
  uint64_t seed = 0;
  bool shuffle = true;
  std::string device = "auto";  // cpu, cuda, auto
  std::optional<EarlyStopping> early_stopping;
  int64_t checkpoint_every = 1;  // epochs; 0: only when stopped and at the end
  int64_t keep_last = 3;         // checkpoints kept besides best.h5; 0 keeps all
  // Data-parallel runs: BatchNorm's batch statistics over every rank's batch, not each rank's own
  // (PyTorch's SyncBatchNorm). Off: per-rank statistics, as DDP's default.
  bool sync_batchnorm = false;
  // The compute precision: "fp32", "bf16" or "fp16" (fp16 with a dynamic loss scaler,
  // optim/grad_scaler.h). The trainer refuses the half precisions until they are computed.
  std::string precision = "fp32";
  // CUDA: choose each convolution's cuDNN algorithm by timing the candidates on the first batch
  // of each shape (PyTorch's torch.backends.cudnn.benchmark), not by cuDNN's heuristics.
  bool cudnn_benchmark = false;
  nlohmann::json extra = nlohmann::json::object();
};

// The words `training.device` takes, with what a form calls them, in the order forms list them.
struct DeviceChoice {
  std::string name;   // "auto", "cpu", "cuda"
  std::string label;  // "Automatic (CUDA when available)"
};
const std::vector<DeviceChoice>& device_choices();

// Parse with `where` the JSON location of the section ("data", "training"); problems are appended.
DataConfig parse_data_config(const nlohmann::json& j, const std::string& where,
                             std::vector<Problem>& problems);
TrainingConfig parse_training_config(const nlohmann::json& j, const std::string& where,
                                     std::vector<Problem>& problems);
nlohmann::json to_json(const DataConfig& c);
nlohmann::json to_json(const TrainingConfig& c);

// ---- opening what the configuration names
struct Datasets {
  std::shared_ptr<const data::Dataset> train, validation, test;  // any may be null
  std::vector<std::string> class_names;  // when the source has them (Fashion-MNIST)
  int64_t num_classes = 0;               // 0 when unknown or regression
};
// Opens the sources, applies the transforms, splits off validation with `seed`. Throws
// ProjectError naming the JSON location and the file ("data.train.path: no such file
// 'x.csv' (looked in /home/u/proj); check the path"). `limit` > 0 keeps the first samples only.
Datasets open_datasets(const DataConfig& c, const std::filesystem::path& base_dir, uint64_t seed,
                       int64_t limit = 0);

// Every file and folder the sources name that does not exist (and Fashion-MNIST when it is not
// installed), as problems at their locations ("data.train.path"), without reading any data: a
// quick check for `validate` and for the editor. Empty when everything is there.
std::vector<Problem> check_data_files(const DataConfig& c, const std::filesystem::path& base_dir);

// Builders; throw ProjectError naming "training.loss" etc. on unknown types or bad kwargs.
nn::ModulePtr make_loss(const nlohmann::json& spec);
// Throws ProjectError too when `params` is empty (nothing trainable).
std::unique_ptr<optim::Optimizer> make_optimizer(const nlohmann::json& spec,
                                                 std::vector<Tensor> params);
// What a scheduler may take from the run: OneCycleLR counts batches, and a spec without
// total_steps (or epochs and steps_per_epoch) takes them from here.
struct ScheduleContext {
  int64_t epochs = 0;
  int64_t steps_per_epoch = 0;
};
// nullptr for a null spec.
// NOTE: also nullptr for ReduceLROnPlateau, which (as in PyTorch) is no LRScheduler: its step()
// takes the watched metric. Make it with make_plateau and step it once per epoch with the metric.
std::unique_ptr<optim::LRScheduler> make_scheduler(const nlohmann::json& spec,
                                                   optim::Optimizer& optimizer,
                                                   const ScheduleContext& context = {});
// The ReduceLROnPlateau of a spec; nullptr when the spec is null or names another scheduler.
std::unique_ptr<optim::ReduceLROnPlateau> make_plateau(const nlohmann::json& spec,
                                                       optim::Optimizer& optimizer);
// Whether the scheduler steps after every batch (OneCycleLR) rather than after every epoch.
bool scheduler_steps_per_batch(const nlohmann::json& spec);

// The names the builders accept, for menus and messages: "CrossEntropyLoss", "Adam", "StepLR".
std::vector<std::string> loss_types();
std::vector<std::string> optimizer_types();
std::vector<std::string> scheduler_types();
// Every argument a loss type takes, with PyTorch's default ([] for no class weights), for the
// inspector's form; an empty object for an unknown type.
nlohmann::json loss_defaults(const std::string& type);

}  // namespace nw::io
