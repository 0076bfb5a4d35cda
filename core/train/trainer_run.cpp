// The training loop: epochs of batches, a validation pass, schedulers, checkpoints, early
// stopping, and the stop/pause controls, all reported through the callbacks.
#include <chrono>
#include <cmath>
#include <sstream>

#include "autograd/grad_mode.h"
#include "data/dataloader.h"
#include "nn/layers/loss.h"
#include "optim/scheduler_plateau.h"
#include "train/device_metrics.h"
#include "train/metrics.h"
#include "train/rank_sums.h"
#include "train/run_files.h"
#include "train/run_record.h"
#include "train/trainer_impl.h"

namespace nw::train {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string fixed(double v, int digits) {
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(digits);
  os << v;
  return os.str();
}

}  // namespace

void Trainer::message(MessageLevel level, const std::string& text) {
  // Every rank would say the same; only an error may be a rank's own.
  if (impl_->rank() != 0 && level != MessageLevel::Error) return;
  if (callbacks_.on_message) callbacks_.on_message(level, text);
}

bool Trainer::writes_files() const {
  return impl_->files->enabled() && impl_->rank() == 0;
}

bool Trainer::stop_agreed() {
  if (impl_->world() == 1) return !wait_while_paused();
  wait_while_paused();
  // Every rank must leave at the same batch, or the others would wait for it forever.
  return any_rank(*impl_->comm, stop_);
}

bool Trainer::wait_while_paused() {
  if (!paused_) return !stop_;
  message(MessageLevel::Info, "paused");
  std::unique_lock<std::mutex> lock(pause_mutex_);
  pause_cv_.wait(lock, [&] { return !paused_ || stop_; });
  if (!stop_) message(MessageLevel::Info, "resumed");
  return !stop_;
}

std::filesystem::path Trainer::save_numbered() {
  if (!writes_files()) return {};
  const int64_t epoch = impl_->batches_done > 0 ? impl_->epochs_done + 1 : impl_->epochs_done;
  const auto path = impl_->files->numbered(epoch, impl_->batches_done);
  io::write_checkpoint(path, snapshot());
  impl_->files->written(path);
  impl_->last_checkpoint = path;
  if (callbacks_.on_checkpoint) callbacks_.on_checkpoint(path);
  return path;
}

Tally Trainer::run_loss_pass(const data::Dataset& dataset, EvalResult* eval) {
  NoGradGuard no_grad;
  net_->eval();
  // An explicit seed: without one the loader draws it from the default generator, and
  // evaluating would shift the dropout draws of the training that follows. The ranks split the
  // split exactly (no padding, which would count samples twice) and add their sums.
  data::DataLoader loader(
      std::shared_ptr<const data::Dataset>(&dataset, [](const data::Dataset*) {}),
      data::DataLoaderOptions(config_.batch_size)
          .seed(config_.seed)
          .num_workers(options_.num_workers)
          .shard(impl_->rank(), impl_->world(), /*pad=*/false));
  Tally tally;
  for (const auto& [x, y] : loader) {
    const Tensor out = (*net_)(x.to(impl_->device));
    auto [o, t] = align_for_loss(task_, out, y.to(impl_->device));
    const double loss = std::static_pointer_cast<nn::Loss>(loss_)->forward(o, t).item();
    int64_t correct = 0;
    if (task_ != Task::Regression) {
      const Tensor pred = predictions(task_, out, impl_->logits);
      const Tensor target = t.reshape({-1}).to(DType::Int64);
      correct = static_cast<int64_t>(pred.eq(target).sum().item());
      if (eval) add_confusion(eval->confusion, pred, target);
    }
    tally.add(loss, x.size(0), correct);
  }
  net_->train();
  return sum_over_ranks(*impl_->comm, tally);
}

std::optional<std::string> Trainer::read_metrics(int64_t epoch, int64_t batches,
                                                 int64_t samples_at_start) {
  Impl& s = *impl_;
  const std::vector<BatchReading> readings = s.metrics->read();
  if (readings.empty()) return std::nullopt;
  const int64_t read_at = readings.back().info.batch + 1;
  for (const BatchReading& r : readings) {
    const int64_t batch = r.info.batch + 1;
    // The whole batch over every rank: what one process at world x batch_size would see. A
    // NaN on any rank makes the sum NaN, so every rank fails at the same batch.
    Tally sums;
    sums.add(r.loss, r.info.samples, r.correct);
    sums = sum_over_ranks(*s.comm, sums);
    if (!std::isfinite(sums.loss_sum))
      return "the loss is " + std::string(std::isnan(sums.loss_sum) ? "NaN" : "infinite") +
             " at epoch " + std::to_string(epoch) + ", batch " + std::to_string(batch) +
             (read_at != batch ? " (read after batch " + std::to_string(read_at) + ")"
                               : std::string()) +
             "; lower the learning rate, normalize the inputs, or check the data for NaN "
             "values. The last checkpoint was kept" +
             (s.last_checkpoint.empty() ? std::string() : ": " + s.last_checkpoint.string());
    // One process keeps its own mean as it was (loss_sum / n may differ from it in the last bit).
    const double batch_loss = s.world() == 1 ? r.loss : sums.loss();
    s.partial.loss_sum += sums.loss_sum;
    s.partial.samples += sums.samples;
    s.partial.correct += sums.correct;
    s.samples_seen += sums.samples;
    s.batches_done = batch;
    s.last_loss = batch_loss;
    if (callbacks_.on_batch_end && s.rank() == 0) {
      BatchStats bs;
      bs.epoch = epoch;
      bs.batch = batch;
      bs.batches = batches;
      bs.samples_seen = s.samples_seen;
      bs.loss = batch_loss;
      if (task_ != Task::Regression) bs.accuracy = sums.accuracy();
      bs.lr = r.info.lr;
      bs.samples_per_second =
          r.info.seconds > 0 ? double(s.partial.samples - samples_at_start) / r.info.seconds : 0;
      bs.read_at = read_at;
      callbacks_.on_batch_end(bs);
    }
  }
  return std::nullopt;
}

RunResult Trainer::run() {
  RunResult result;
  Impl& s = *impl_;
  // run.json (train/run_record.h): a failure to write it is said, and the run goes on.
  const auto record = [&](RecordState state, const std::string& reason) {
    if (!writes_files()) return;
    RunRecord r;
    r.name = options_.out_dir.filename().string();
    if (r.name.empty()) r.name = options_.out_dir.parent_path().filename().string();
    r.project = nlohmann::json::parse(options_.project_json, nullptr, /*allow_exceptions=*/false);
    if (r.project.is_discarded()) r.project = nullptr;
    r.settings = common_settings(config_);
    for (const auto& [path, value] : options_.tags.settings) r.settings[path] = value;
    r.state = state;
    r.reason = reason;
    r.epochs_done = s.epochs_done;
    r.epochs = config_.epochs;
    r.started = s.record_started;
    r.monitor = s.best_monitor;
    r.last = epoch_metrics(history_, s.epochs_done);
    r.best = best_epoch(history_, s.best_monitor, s.best_is_max);
    r.sweep = options_.tags.sweep;
    try {
      write_run_record(options_.out_dir, r);
    } catch (const std::exception& e) {
      message(MessageLevel::Warning, std::string("cannot write the run record: ") + e.what());
    }
  };
  const auto finish = [&](RunState state, std::string reason) {
    static constexpr RecordState kRecorded[] = {RecordState::Finished, RecordState::Stopped,
                                                RecordState::EarlyStopped, RecordState::Failed};
    record(kRecorded[static_cast<int>(state)], reason);
    result.state = state;
    result.reason = std::move(reason);
    result.epochs_done = s.epochs_done;
    result.last_checkpoint = s.last_checkpoint;
    result.best_checkpoint = s.best_checkpoint;
    if (callbacks_.on_finished) callbacks_.on_finished(result);
    return result;
  };
  if (!data_.train)
    return finish(RunState::Failed, "no training data: set data.train in the project");
  if (!optimizer_)
    return finish(RunState::Failed,
                  "the network has no trainable parameters (every node is "
                  "frozen); mark at least one node trainable");
  stop_ = false;

  try {
    if (writes_files()) s.files->prepare();
    if (writes_files() && s.record_started.empty()) {
      // A resumed run in its own folder keeps the time it first started.
      try {
        if (const auto before = read_run_record(options_.out_dir))
          s.record_started = before->started;
      } catch (const std::exception&) {  // a damaged record is rewritten whole
      }
      if (s.record_started.empty()) s.record_started = iso_utc_now();
    }
    record(RecordState::Running, {});
    if (!s.train_loader)
      s.train_loader = std::make_unique<data::DataLoader>(
          data_.train, data::DataLoaderOptions(config_.batch_size)
                           .shuffle(config_.shuffle)
                           .seed(config_.seed)
                           .num_workers(options_.num_workers)
                           .shard(s.rank(), s.world()));
    data::DataLoader& loader = *s.train_loader;
    const int64_t batches = loader.size();
    net_->train();
    int64_t batches_run = 0;

    while (s.epochs_done < config_.epochs) {
      const int64_t epoch = s.epochs_done + 1;
      const int64_t skip = s.batches_done;
      if (skip == 0) {
        s.partial = Tally();
        s.partial_seconds = 0.0;
      }
      const auto t0 = Clock::now();
      const int64_t samples_at_start = s.partial.samples;
      loader.set_epoch(epoch - 1);
      for (auto it = loader.begin(); it != loader.end(); ++it) {
        const int64_t b = it.batch_index();
        if (b < skip) continue;
        if (stop_agreed()) {
          if (auto failure = read_metrics(epoch, batches, samples_at_start))
            return finish(RunState::Failed, *failure);
          s.partial_seconds += seconds_since(t0);
          save_numbered();
          return finish(RunState::Stopped, "stopped at epoch " + std::to_string(epoch) +
                                               ", batch " + std::to_string(b));
        }
        const Tensor x = it->data.to(s.device), y = it->target.to(s.device);
        const bool sampled = s.health && ((epoch - 1) * batches + b) % options_.health_every == 0;
        if (sampled) s.health->begin(epoch, b + 1, (epoch - 1) * batches + b + 1);
        const Tensor out = (*net_)(x);
        auto [o, t] = align_for_loss(task_, out, y);
        const Tensor loss = std::static_pointer_cast<nn::Loss>(loss_)->forward(o, t);
        Tensor correct;  // stays on the device with the loss until the next read
        if (task_ != Task::Regression) {
          NoGradGuard no_grad;
          correct =
              predictions(task_, out.detach(), s.logits).eq(t.reshape({-1}).to(DType::Int64)).sum();
        }
        optimizer_->zero_grad();
        if (s.reducer) s.reducer->prepare_for_backward();
        loss.backward();
        if (s.reducer) s.reducer->finish();  // every .grad is now the mean over ranks
        if (sampled) s.health->before_step();
        optimizer_->step();
        if (sampled) {
          const HealthSample hs = s.health->finish();
          if (callbacks_.on_health) callbacks_.on_health(hs);
          for (const std::string& w : s.health_rules.check(hs)) message(MessageLevel::Warning, w);
        }
        if (s.per_batch_schedule && scheduler_) scheduler_->step();
        if (++batches_run == options_.stop_after_batches) stop_ = true;
        const bool due =
            s.metrics->add(loss, correct, {b, x.size(0), group_lr(*optimizer_), seconds_since(t0)});
        if (due || (paused_ && s.world() == 1)) {
          if (auto failure = read_metrics(epoch, batches, samples_at_start))
            return finish(RunState::Failed, *failure);
        }
      }
      if (auto failure = read_metrics(epoch, batches, samples_at_start))
        return finish(RunState::Failed, *failure);

      EpochStats es;
      es.epoch = epoch;
      es.train_loss = s.partial.loss();
      if (task_ != Task::Regression) es.train_accuracy = s.partial.accuracy();
      if (data_.validation) {
        const Tally v = run_loss_pass(*data_.validation, nullptr);
        es.val_loss = v.loss();
        if (task_ != Task::Regression) es.val_accuracy = v.accuracy();
      }
      es.seconds = s.partial_seconds + seconds_since(t0);
      s.epochs_done = epoch;
      s.batches_done = 0;

      if (scheduler_ && !s.per_batch_schedule) scheduler_->step();
      if (s.plateau) {
        const auto m = metric_of(es, s.plateau_monitor);
        if (!m)
          return finish(RunState::Failed, "training.scheduler.monitor: metric '" +
                                              s.plateau_monitor +
                                              "' is not measured; use "
                                              "train_loss or add validation data");
        s.plateau->step(*m);
      }
      es.lr = group_lr(*optimizer_);
      record_history(es);
      es.best = improves_best(es);
      if (callbacks_.on_epoch_end && s.rank() == 0) callbacks_.on_epoch_end(es);
      result.last = es;

      if (es.best) save_best(es);
      const bool every = config_.checkpoint_every > 0 && epoch % config_.checkpoint_every == 0;
      if (every || s.epochs_done == config_.epochs) save_numbered();
      record(RecordState::Running, {});
      if (early_stop_due(es))
        return finish(RunState::EarlyStopped, "no improvement in " + impl_->best_monitor + " for " +
                                                  std::to_string(config_.early_stopping->patience) +
                                                  " epochs");
      if (s.world() == 1 ? bool(stop_) : any_rank(*s.comm, stop_)) {
        if (!every) save_numbered();
        return finish(RunState::Stopped, "stopped after epoch " + std::to_string(epoch));
      }
    }
  } catch (const std::exception& e) {
    return finish(RunState::Failed, e.what());
  }
  return finish(RunState::Finished, {});
}

void Trainer::record_history(const EpochStats& es) {
  history_["train_loss"].push_back(es.train_loss);
  if (es.train_accuracy) history_["train_accuracy"].push_back(*es.train_accuracy);
  if (es.val_loss) history_["val_loss"].push_back(*es.val_loss);
  if (es.val_accuracy) history_["val_accuracy"].push_back(*es.val_accuracy);
  history_["lr"].push_back(es.lr);
  history_["seconds"].push_back(es.seconds);
}

bool Trainer::improves_best(const EpochStats& es) {
  Impl& s = *impl_;
  const auto m = metric_of(es, s.best_monitor);
  // Every rank tracks the best (the metric is the same everywhere); rank 0 writes best.h5.
  if (!m || !s.files->enabled()) return false;
  const bool better = !s.has_best || (s.best_is_max ? *m > s.best : *m < s.best);
  if (!better) return false;
  s.has_best = true;
  s.best = *m;
  return true;
}

void Trainer::save_best(const EpochStats& es) {
  Impl& s = *impl_;
  if (s.rank() != 0) return;
  io::write_checkpoint(s.files->best(), snapshot());
  s.best_checkpoint = s.files->best();
  message(MessageLevel::Info, "best " + s.best_monitor + " so far (" +
                                  fixed(*metric_of(es, s.best_monitor), 4) + "): saved " +
                                  s.best_checkpoint.string());
}

bool Trainer::early_stop_due(const EpochStats& es) {
  if (!config_.early_stopping) return false;
  Impl& s = *impl_;
  const auto& cfg = *config_.early_stopping;
  const auto m = metric_of(es, cfg.monitor);
  if (!m) return false;
  const bool max = monitor_is_max(cfg.monitor, cfg.mode);
  const bool improved =
      !s.has_es_best || (max ? *m > s.es_best + cfg.min_delta : *m < s.es_best - cfg.min_delta);
  if (improved) {
    s.has_es_best = true;
    s.es_best = *m;
    s.es_bad = 0;
    return false;
  }
  return ++s.es_bad >= cfg.patience;
}

}  // namespace nw::train
