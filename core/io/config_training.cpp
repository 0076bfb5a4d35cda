// The "training" section: loss, optimizer, scheduler and the loop's settings.
#include "io/config_checks.h"
#include "io/json_fields.h"

namespace nw::io {

namespace {

using detail::ObjectReader;
using json = nlohmann::json;

const std::vector<std::string> kMonitors = {"val_loss", "val_accuracy", "train_loss",
                                            "train_accuracy"};

std::optional<EarlyStopping> parse_early_stopping(const json& j, const std::string& where,
                                                  std::vector<Problem>& problems) {
  if (j.is_null()) return std::nullopt;
  ObjectReader r(j, where, problems, R"({"monitor": "val_loss", "patience": 3})");
  if (!r.ok()) return std::nullopt;
  EarlyStopping e;
  if (auto m = detail::read_choice(r.take("monitor"), r.at("monitor"), kMonitors, problems))
    e.monitor = *m;
  if (auto p = detail::read_int(r.take("patience"), r.at("patience"), 1, problems)) e.patience = *p;
  if (auto d = detail::read_number(r.take("min_delta"), r.at("min_delta"), 0, 1e300, problems))
    e.min_delta = *d;
  if (auto m = detail::read_choice(r.take("mode"), r.at("mode"), {"min", "max"}, problems))
    e.mode = *m;
  r.refuse_unknown("early_stopping", {"monitor", "patience", "min_delta", "mode"});
  return e;
}

}  // namespace

const std::vector<DeviceChoice>& device_choices() {
  static const std::vector<DeviceChoice> choices = {
      {"auto", "Automatic (CUDA when available)"}, {"cpu", "CPU"}, {"cuda", "CUDA GPU"}};
  return choices;
}

TrainingConfig parse_training_config(const json& j, const std::string& where,
                                     std::vector<Problem>& problems) {
  TrainingConfig c;
  if (j.is_null()) return c;
  ObjectReader r(j, where, problems, R"({"loss": {"type": "CrossEntropyLoss"}, "epochs": 5})");
  if (!r.ok()) return c;
  if (const json* l = r.take("loss")) {
    detail::check_loss(*l, r.at("loss"), problems);
    c.loss = *l;
  }
  if (const json* o = r.take("optimizer")) {
    detail::check_optimizer(*o, r.at("optimizer"), problems);
    c.optimizer = *o;
  }
  if (const json* s = r.take("scheduler")) {
    detail::check_scheduler(*s, r.at("scheduler"), c.optimizer, problems);
    c.scheduler = *s;
  }
  if (auto v = detail::read_int(r.take("batch_size"), r.at("batch_size"), 1, problems))
    c.batch_size = *v;
  if (auto v = detail::read_int(r.take("epochs"), r.at("epochs"), 1, problems)) c.epochs = *v;
  if (auto v = detail::read_int(r.take("seed"), r.at("seed"), 0, problems)) c.seed = uint64_t(*v);
  if (auto v = detail::read_bool(r.take("shuffle"), r.at("shuffle"), problems)) c.shuffle = *v;
  std::vector<std::string> devices;
  for (const DeviceChoice& d : device_choices()) devices.push_back(d.name);
  if (auto v = detail::read_choice(r.take("device"), r.at("device"), devices, problems))
    c.device = *v;
  if (const json* e = r.take("early_stopping"))
    c.early_stopping = parse_early_stopping(*e, r.at("early_stopping"), problems);
  if (auto v = detail::read_int(r.take("checkpoint_every"), r.at("checkpoint_every"), 0, problems))
    c.checkpoint_every = *v;
  if (auto v = detail::read_int(r.take("keep_last"), r.at("keep_last"), 0, problems))
    c.keep_last = *v;
  if (auto v = detail::read_bool(r.take("sync_batchnorm"), r.at("sync_batchnorm"), problems))
    c.sync_batchnorm = *v;
  if (auto v = detail::read_choice(r.take("precision"), r.at("precision"), {"fp32", "bf16", "fp16"},
                                   problems))
    c.precision = *v;
  if (auto v = detail::read_bool(r.take("cudnn_benchmark"), r.at("cudnn_benchmark"), problems))
    c.cudnn_benchmark = *v;
  c.extra = r.unknown();
  return c;
}

namespace detail {

nlohmann::ordered_json ordered_json_of(const TrainingConfig& c) {
  nlohmann::ordered_json out;
  out["loss"] = ordered_spec(c.loss);
  out["optimizer"] = ordered_spec(c.optimizer);
  out["scheduler"] = c.scheduler.is_null() ? nlohmann::ordered_json() : ordered_spec(c.scheduler);
  out["batch_size"] = c.batch_size;
  out["epochs"] = c.epochs;
  out["seed"] = c.seed;
  out["shuffle"] = c.shuffle;
  out["device"] = c.device;
  if (c.early_stopping) {
    nlohmann::ordered_json e;
    e["monitor"] = c.early_stopping->monitor;
    e["patience"] = c.early_stopping->patience;
    e["min_delta"] = tidy_number(c.early_stopping->min_delta);
    if (!c.early_stopping->mode.empty()) e["mode"] = c.early_stopping->mode;
    out["early_stopping"] = e;
  } else {
    out["early_stopping"] = nullptr;
  }
  out["checkpoint_every"] = c.checkpoint_every;
  out["keep_last"] = c.keep_last;
  // Written only when set, so projects that never use it stay as they were.
  if (c.sync_batchnorm) out["sync_batchnorm"] = true;
  if (c.precision != "fp32") out["precision"] = c.precision;
  if (c.cudnn_benchmark) out["cudnn_benchmark"] = true;
  for (auto it = c.extra.begin(); it != c.extra.end(); ++it)
    if (!out.contains(it.key())) out[it.key()] = it.value();
  return out;
}

}  // namespace detail

json to_json(const TrainingConfig& c) {
  return json(detail::ordered_json_of(c));
}

}  // namespace nw::io
