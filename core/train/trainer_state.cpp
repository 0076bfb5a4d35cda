// A trainer's state as a checkpoint and back: everything a resumed run needs to continue exactly
// where the first stopped.
#include "dist/rank_stream.h"
#include "optim/scheduler_plateau.h"
#include "tensor/generator.h"
#include "train/rank_sums.h"
#include "train/trainer_impl.h"

namespace nw::train {

namespace {

nn::StateDict on_cpu(const nn::StateDict& state) {
  nn::StateDict out;
  out.reserve(state.size());
  for (const auto& [k, t] : state) out.emplace_back(k, t.to(Device()));
  return out;
}

double number_or(const optim::ValueMap& m, const std::string& key, double fallback) {
  auto it = m.find(key);
  if (it == m.end() || !std::holds_alternative<double>(it->second)) return fallback;
  return std::get<double>(it->second);
}

}  // namespace

io::Checkpoint Trainer::snapshot() const {
  const Impl& s = *impl_;
  io::Checkpoint c;
  c.model = on_cpu(net_->state_dict());
  if (optimizer_) {
    c.optimizer = optimizer_->state_dict();
    c.optimizer_type = optimizer_->name();
  }
  if (scheduler_) {
    c.scheduler = scheduler_->state_dict();
    c.scheduler_type = scheduler_->name();
  } else if (s.plateau) {
    c.scheduler = s.plateau->state_dict();
    c.scheduler_type = "ReduceLROnPlateau";
  }
  const Generator& g = default_generator();
  c.rng_exact["seed"] = g.seed();
  c.rng_exact["offset"] = g.offset();
  c.history = history_;
  c.epoch = s.epochs_done;
  c.batch = s.batches_done;
  c.loss = s.last_loss;
  c.project = options_.project_json;
  optim::ValueMap& t = c.trainer;
  t["samples_seen"] = double(s.samples_seen);
  // The position in the epoch's order in samples, which any number of ranks and any batch size
  // that divides it can continue from (the batch count is this run's, per rank).
  t["epoch_samples_done"] = double(s.batches_done * config_.batch_size * s.world());
  t["partial_loss_sum"] = s.partial.loss_sum;
  t["partial_samples"] = double(s.partial.samples);
  t["partial_correct"] = double(s.partial.correct);
  t["partial_seconds"] = s.partial_seconds;
  t["data_seed"] = double(config_.seed);
  t["best_monitor"] = s.best_monitor;
  if (s.has_best) t["best"] = s.best;
  if (s.has_es_best) t["early_stopping_best"] = s.es_best;
  t["early_stopping_bad_epochs"] = double(s.es_bad);
  return c;
}

void Trainer::restore(const io::Checkpoint& c, const std::string& file) {
  Impl& s = *impl_;
  std::vector<io::Problem> problems;
  if (!optimizer_)
    problems.push_back({"", "the network has no trainable parameters to resume"});
  else if (!c.optimizer)
    problems.push_back({"/optimizer_state_dict",
                        "missing; this checkpoint cannot resume a run "
                        "(use it with --init to start a new one)"});
  else if (c.optimizer_type != optimizer_->name())
    problems.push_back(
        {"/optimizer_state_dict", "written by " + c.optimizer_type + ", the project trains with " +
                                      optimizer_->name() + "; use --init to start a new run"});
  const std::string sched = scheduler_ ? scheduler_->name() : s.plateau ? "ReduceLROnPlateau" : "";
  if (c.scheduler_type != sched)
    problems.push_back({"/scheduler_state_dict",
                        "written for " +
                            (c.scheduler_type.empty() ? "no scheduler" : c.scheduler_type) +
                            ", the project uses " + (sched.empty() ? "none" : sched) +
                            "; use --init to start a new run"});
  for (auto& p : io::check_model_state(c, *net_)) problems.push_back(std::move(p));
  if (!problems.empty()) throw io::CheckpointError(file, std::move(problems));

  // The optimizer checks its own state first; load it before the model so a mismatch there
  // leaves the network as it was.
  try {
    optimizer_->load_state_dict(*c.optimizer);
    if (scheduler_) scheduler_->load_state_dict(*c.scheduler);
    if (s.plateau) s.plateau->load_state_dict(*c.scheduler);
  } catch (const Error& e) {
    throw io::CheckpointError(file, {{"/optimizer_state_dict", e.what()}});
  }
  io::load_model_state(c, *net_, file);

  Generator& g = default_generator();
  const auto seed = c.rng_exact.find("seed"), offset = c.rng_exact.find("offset");
  if (seed != c.rng_exact.end() && offset != c.rng_exact.end()) {
    g.manual_seed(seed->second);
    g.set_offset(offset->second);
    dist::use_rank_stream(g, impl_->rank());  // the checkpoint holds rank 0's stream
  } else {
    message(MessageLevel::Warning, file +
                                       ": no random generator state (/rng_state); dropout "
                                       "and augmentation draws will differ from the original run");
  }
  const optim::ValueMap& t = c.trainer;
  int64_t batches_done = c.batch;
  if (t.count("epoch_samples_done")) {
    const auto done = static_cast<int64_t>(number_or(t, "epoch_samples_done", 0));
    const int64_t per_step = config_.batch_size * s.world();
    if (done % per_step != 0)
      throw io::CheckpointError(
          file, {{"/trainer_state/epoch_samples_done",
                  "the run stopped " + std::to_string(done) + " samples into epoch " +
                      std::to_string(c.epoch + 1) + ", which is not a whole number of steps of " +
                      std::to_string(per_step) + " samples (batch_size " +
                      std::to_string(config_.batch_size) + " x " + std::to_string(s.world()) +
                      " ranks); resume with a batch_size x ranks that divides it"}});
    batches_done = done / per_step;
  }
  history_ = c.history;
  s.epochs_done = c.epoch;
  s.batches_done = batches_done;
  s.last_loss = c.loss;
  s.samples_seen = static_cast<int64_t>(number_or(t, "samples_seen", 0));
  s.partial.loss_sum = number_or(t, "partial_loss_sum", 0);
  s.partial.samples = static_cast<int64_t>(number_or(t, "partial_samples", 0));
  s.partial.correct = static_cast<int64_t>(number_or(t, "partial_correct", 0));
  s.partial_seconds = number_or(t, "partial_seconds", 0);
  s.has_best = t.count("best") > 0;
  s.best = number_or(t, "best", 0);
  s.has_es_best = t.count("early_stopping_best") > 0;
  s.es_best = number_or(t, "early_stopping_best", 0);
  s.es_bad = static_cast<int64_t>(number_or(t, "early_stopping_bad_epochs", 0));
  const double data_seed = number_or(t, "data_seed", double(config_.seed));
  if (data_seed != double(config_.seed))
    message(MessageLevel::Warning, "the checkpoint was trained with seed " +
                                       std::to_string(int64_t(data_seed)) +
                                       ", the project now says " + std::to_string(config_.seed) +
                                       ": the data order differs from the original run");
}

EvalResult Trainer::evaluate(const std::string& split) {
  std::shared_ptr<const data::Dataset> ds = split == "test"         ? data_.test
                                            : split == "validation" ? data_.validation
                                            : split == "train"      ? data_.train
                                                                    : nullptr;
  if (split != "test" && split != "validation" && split != "train")
    throw Error("unknown split '" + split + "'; use test, validation or train");
  if (!ds)
    throw Error(
        "the project has no " + split + " data" +
        (split == "validation" ? ": set data.validation_fraction above 0" : ": set data." + split));
  EvalResult r;
  r.split = split;
  const Tally tally = run_loss_pass(*ds, &r);
  sum_over_ranks(*impl_->comm, r.confusion);
  r.samples = tally.samples;
  r.loss = tally.loss();
  if (task_ != Task::Regression) {
    r.accuracy = tally.accuracy();
    const auto k =
        static_cast<size_t>(std::max<int64_t>(data_.num_classes, task_ == Task::Binary ? 2 : 0));
    if (r.confusion.size() < k) {
      r.confusion.resize(k);
      for (auto& row : r.confusion) row.resize(k, 0);
    }
    precision_recall(r);
  }
  if (callbacks_.on_evaluation && impl_->rank() == 0) callbacks_.on_evaluation(r);
  return r;
}

}  // namespace nw::train
