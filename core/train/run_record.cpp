#include "train/run_record.h"

#include <cmath>
#include <cstdio>
#include <system_error>

#include "io/atomic_file.h"
#include "io/json_read.h"

namespace nw::train {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStates[] = {"running", "finished", "stopped", "early_stopped",
                                   "failed",  "halted",   "unknown"};
constexpr const char* kMetrics[] = {"train_loss", "train_accuracy", "val_loss", "val_accuracy"};

std::optional<double>* field(EpochMetrics& m, const std::string& name) {
  if (name == "train_loss") return &m.train_loss;
  if (name == "train_accuracy") return &m.train_accuracy;
  if (name == "val_loss") return &m.val_loss;
  if (name == "val_accuracy") return &m.val_accuracy;
  return nullptr;
}

// Reads one record's keys, collecting every problem, so a damaged run.json says all it lacks.
class Reader {
 public:
  Reader(const nlohmann::json& j, std::vector<io::Problem>& problems)
      : j_(j), problems_(problems) {}

  template <typename T>
  void get(const char* key, T& out, const char* expected) {
    const auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return;
    try {
      out = it->get<T>();
    } catch (const std::exception&) {
      problems_.push_back({key, std::string("expected ") + expected + ", got " + it->dump()});
    }
  }

  EpochMetrics metrics(const char* key) {
    EpochMetrics m;
    const auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return m;
    if (!it->is_object()) {
      problems_.push_back({key, "expected an object such as {\"epoch\": 3, \"val_loss\": 0.4}"});
      return m;
    }
    Reader inner(*it, problems_);
    inner.get("epoch", m.epoch, "an epoch number");
    for (const char* name : kMetrics) {
      const auto v = it->find(name);
      if (v == it->end() || v->is_null()) continue;
      if (!v->is_number())
        problems_.push_back({std::string(key) + "." + name, "expected a number, got " + v->dump()});
      else
        *field(m, name) = v->get<double>();
    }
    return m;
  }

 private:
  const nlohmann::json& j_;
  std::vector<io::Problem>& problems_;
};

}  // namespace

std::string iso_utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

const char* to_string(RecordState s) {
  return kStates[static_cast<int>(s)];
}

std::optional<RecordState> record_state(const std::string& word) {
  for (size_t i = 0; i < std::size(kStates); ++i)
    if (word == kStates[i]) return static_cast<RecordState>(i);
  return std::nullopt;
}

std::optional<double> EpochMetrics::get(const std::string& metric) const {
  if (const auto* f = field(const_cast<EpochMetrics&>(*this), metric)) return *f;
  return std::nullopt;
}

nlohmann::json to_json(const EpochMetrics& m) {
  nlohmann::json j = {{"epoch", m.epoch}};
  // NaN and infinity have no JSON form: a diverged run's figure is left out.
  for (const char* name : kMetrics)
    if (const auto v = m.get(name); v && std::isfinite(*v)) j[name] = *v;
  return j;
}

nlohmann::json to_json(const RunRecord& r) {
  nlohmann::json j = {{"netwright_run", r.format},    {"name", r.name},
                      {"state", to_string(r.state)},  {"reason", r.reason},
                      {"epochs_done", r.epochs_done}, {"epochs", r.epochs},
                      {"started", r.started},         {"updated", r.updated},
                      {"monitor", r.monitor},         {"settings", r.settings},
                      {"last", to_json(r.last)},      {"best", to_json(r.best)},
                      {"project", r.project}};
  if (r.sweep)
    j["sweep"] = {{"name", r.sweep->sweep},
                  {"trial", r.sweep->trial},
                  {"halted_at", r.sweep->halted_at},
                  {"why", r.sweep->why}};
  return j;
}

RunRecord run_record_from_json(const nlohmann::json& j, const std::string& file) {
  if (!j.is_object())
    throw io::IoError(file, {{"", "expected a JSON object with \"netwright_run\": " +
                                      std::to_string(kRunRecordFormat)}});
  std::vector<io::Problem> problems;
  RunRecord r;
  Reader read(j, problems);
  r.format = 0;
  read.get("netwright_run", r.format, "a format number");
  if (r.format < 1)
    problems.push_back({"netwright_run", "missing: this is not a Netwright run record"});
  else if (r.format > kRunRecordFormat)
    problems.push_back({"netwright_run", "format " + std::to_string(r.format) +
                                             " is newer than this version reads (" +
                                             std::to_string(kRunRecordFormat) +
                                             "); update Netwright"});
  read.get("name", r.name, "a string");
  std::string state = "running";
  read.get("state", state, "a string");
  if (const auto s = record_state(state))
    r.state = *s;
  else
    problems.push_back({"state",
                        "expected one of running, finished, stopped, early_stopped, "
                        "failed, halted, unknown; got \"" +
                            state + "\""});
  read.get("reason", r.reason, "a string");
  read.get("epochs_done", r.epochs_done, "a number of epochs");
  read.get("epochs", r.epochs, "a number of epochs");
  read.get("started", r.started, "a time");
  read.get("updated", r.updated, "a time");
  read.get("monitor", r.monitor, "a metric name");
  if (const auto s = j.find("settings"); s != j.end() && !s->is_null()) {
    if (s->is_object())
      for (const auto& [k, v] : s->items()) r.settings[k] = v;
    else
      problems.push_back({"settings", "expected an object of setting paths and values"});
  }
  r.last = read.metrics("last");
  r.best = read.metrics("best");
  if (const auto p = j.find("project"); p != j.end()) r.project = *p;
  if (const auto s = j.find("sweep"); s != j.end() && !s->is_null()) {
    if (!s->is_object()) {
      problems.push_back({"sweep", "expected an object such as {\"name\": ..., \"trial\": 1}"});
    } else {
      SweepMembership m;
      Reader sweep(*s, problems);
      sweep.get("name", m.sweep, "a string");
      sweep.get("trial", m.trial, "a trial number");
      sweep.get("halted_at", m.halted_at, "an epoch number");
      sweep.get("why", m.why, "a string");
      r.sweep = m;
    }
  }
  if (!problems.empty()) throw io::IoError(file, std::move(problems));
  return r;
}

fs::path run_record_path(const fs::path& run_dir) {
  return run_dir / kRunRecordFile;
}

void write_run_record(const fs::path& run_dir, const RunRecord& r) {
  RunRecord out = r;
  out.updated = iso_utc_now();
  if (out.started.empty()) out.started = out.updated;
  io::write_file_atomic(run_record_path(run_dir), to_json(out).dump(2) + "\n");
}

std::optional<RunRecord> read_run_record(const fs::path& run_dir) {
  const fs::path path = run_record_path(run_dir);
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  const std::string file = path.string();
  return run_record_from_json(io::parse_json(io::read_json_file(path, file), file), file);
}

std::map<std::string, nlohmann::json> common_settings(const io::TrainingConfig& config) {
  std::map<std::string, nlohmann::json> s;
  const nlohmann::json& opt = config.optimizer;
  if (const auto t = opt.find("type"); t != opt.end()) s["training.optimizer.type"] = *t;
  if (const auto lr = opt.find("lr"); lr != opt.end()) s["training.optimizer.lr"] = *lr;
  if (const auto wd = opt.find("weight_decay"); wd != opt.end() && !wd->is_null())
    s["training.optimizer.weight_decay"] = *wd;
  s["training.batch_size"] = config.batch_size;
  s["training.epochs"] = config.epochs;
  return s;
}

std::string setting_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_float()) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value.get<double>());
    return text;
  }
  return value.is_null() ? std::string() : value.dump();
}

EpochMetrics epoch_metrics(const std::map<std::string, std::vector<double>>& history,
                           int64_t epoch) {
  EpochMetrics m;
  if (epoch < 1) return m;
  m.epoch = epoch;
  for (const char* name : kMetrics) {
    const auto it = history.find(name);
    if (it != history.end() && int64_t(it->second.size()) >= epoch)
      *field(m, name) = it->second[size_t(epoch - 1)];
  }
  return m;
}

EpochMetrics best_epoch(const std::map<std::string, std::vector<double>>& history,
                        const std::string& monitor, bool maximize) {
  const auto it = history.find(monitor);
  if (it == history.end()) return {};
  int64_t best = 0;
  for (size_t i = 0; i < it->second.size(); ++i) {
    const double v = it->second[i];
    if (!std::isfinite(v)) continue;
    const double b = best ? it->second[size_t(best - 1)] : 0.0;
    if (!best || (maximize ? v > b : v < b)) best = int64_t(i) + 1;
  }
  return epoch_metrics(history, best);
}

}  // namespace nw::train
