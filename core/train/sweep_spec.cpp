#include "train/sweep_spec.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "io/json_read.h"
#include "train/setting_path.h"

namespace nw::train {

namespace {

using json = nlohmann::json;
using ordered = nlohmann::ordered_json;

// Far beyond a useful sweep; a typo such as "trials": 1e9 is refused rather than planned.
constexpr int64_t kMaxTrials = 10000;
constexpr int64_t kMaxEpochs = 100000;
constexpr int kMaxParallel = 64;
constexpr const char* kKeys[] = {"name", "method",     "trials",   "seed",       "metric",
                                 "mode", "max_epochs", "parallel", "parameters", "halving"};
constexpr const char* kMetrics[] = {"val_loss", "val_accuracy", "train_loss", "train_accuracy"};

std::string join(const auto& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + std::string(w);
  return out;
}

// Reads the top-level keys with their places, collecting every problem.
class Reader {
 public:
  explicit Reader(std::vector<io::Problem>& problems) : problems_(problems) {}

  void problem(std::string where, std::string message) {
    problems_.push_back({std::move(where), std::move(message)});
  }

  std::optional<int64_t> integer(const ordered& j, const std::string& key, int64_t lo, int64_t hi) {
    const auto it = j.find(key);
    if (it == j.end()) return std::nullopt;
    if (!it->is_number() || it->get<double>() != std::floor(it->get<double>()) ||
        it->get<double>() < double(lo) || it->get<double>() > double(hi)) {
      problem(key, "expected a whole number from " + std::to_string(lo) + " to " +
                       std::to_string(hi) + ", got " + it->dump());
      return std::nullopt;
    }
    return int64_t(it->get<double>());
  }

  std::optional<std::string> word(const ordered& j, const std::string& key,
                                  const std::vector<std::string>& choices) {
    const auto it = j.find(key);
    if (it == j.end()) return std::nullopt;
    if (it->is_string() && (choices.empty() || std::find(choices.begin(), choices.end(),
                                                         it->get<std::string>()) != choices.end()))
      return it->get<std::string>();
    problem(key, "expected " +
                     (choices.empty() ? std::string("a word") : "one of " + join(choices)) +
                     ", got " + it->dump());
    return std::nullopt;
  }

 private:
  std::vector<io::Problem>& problems_;
};

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 40) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

SweepParameter parse_parameter(const std::string& path, const ordered& j, Reader& r) {
  SweepParameter p;
  p.path = path;
  const std::string at = "parameters." + path;
  // A bare list is short for {"values": [...]}.
  const ordered* values = j.is_array() ? &j : nullptr;
  if (j.is_object()) {
    for (const auto& [key, v] : j.items())
      if (key != "values" && key != "min" && key != "max" && key != "log")
        r.problem(at + "." + key,
                  "unknown key; a parameter takes \"values\", or \"min\", \"max\" "
                  "and \"log\"");
    if (const auto v = j.find("values"); v != j.end()) values = &*v;
    const bool has_range = j.contains("min") || j.contains("max");
    if (values && has_range)
      r.problem(at, "give either \"values\" or a range (\"min\", \"max\"), not both");
    if (has_range && !values) {
      SweepRange range;
      for (const char* key : {"min", "max"}) {
        const auto v = j.find(key);
        if (v == j.end() || !v->is_number()) {
          r.problem(at + "." + key, v == j.end() ? "missing; a range needs \"min\" and \"max\""
                                                 : "expected a number, got " + v->dump());
          return p;
        }
        (std::string(key) == "min" ? range.min : range.max) = v->get<double>();
      }
      if (const auto v = j.find("log"); v != j.end()) {
        if (v->is_boolean())
          range.log = v->get<bool>();
        else
          r.problem(at + ".log", "expected true or false, got " + v->dump());
      }
      if (!(range.min < range.max))
        r.problem(at, "the range's min must be below its max; got min " + json(range.min).dump() +
                          ", max " + json(range.max).dump());
      else if (range.log && range.min <= 0)
        r.problem(at + ".min", "a log range needs min > 0; got " + json(range.min).dump());
      p.range = range;
      return p;
    }
  }
  if (!values) {
    r.problem(at,
              "expected {\"values\": [...]} or a range {\"min\": 1e-4, \"max\": 1e-1, "
              "\"log\": true}, got " +
                  j.dump());
    return p;
  }
  if (!values->is_array() || values->empty() || values->size() > size_t(kMaxTrials)) {
    r.problem(at + ".values", "expected a list of 1 to " + std::to_string(kMaxTrials) +
                                  " values, got " + values->dump());
    return p;
  }
  for (const auto& v : *values) p.values.push_back(json::parse(v.dump()));
  return p;
}

// Splitmix64: the same draws on every platform, unlike the standard library's distributions.
class Draws {
 public:
  explicit Draws(uint64_t seed) : state_(seed) {}
  double uniform() {  // [0, 1)
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return double((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
  }

 private:
  uint64_t state_;
};

// Four significant digits: a drawn learning rate reads 0.003162, not 0.0031622776601683794.
double rounded(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", v);
  return std::strtod(text, nullptr);
}

}  // namespace

bool SweepSpec::maximize() const {
  if (!mode.empty()) return mode == "max";
  return metric.find("accuracy") != std::string::npos;
}

SweepSpec parse_sweep(const std::string& text, const std::string& file) {
  io::parse_json(text, file);  // syntax and size limits, with line and column
  const ordered j = ordered::parse(text);
  SweepSpec s;
  s.file = file;
  std::vector<io::Problem> problems;
  Reader r(problems);
  if (!j.is_object())
    throw SweepError(file, {{"",
                             "expected an object such as {\"method\": \"grid\", "
                             "\"parameters\": {\"training.optimizer.lr\": {\"values\": "
                             "[0.001, 0.01]}}}"}});
  for (const auto& [key, v] : j.items())
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys))
      r.problem(key, "unknown key; a sweep file takes " + join(kKeys));
  if (const auto name = r.word(j, "name", {})) {
    if (valid_name(*name))
      s.name = *name;
    else
      r.problem("name",
                "expected up to 40 letters, digits, '-' or '_' (it names the trials' "
                "folders), got \"" +
                    *name + "\"");
  }
  if (const auto m = r.word(j, "method", {"grid", "random"})) s.method = *m;
  if (const auto t = r.integer(j, "trials", 1, kMaxTrials)) s.trials = *t;
  if (const auto v = r.integer(j, "seed", 0, INT64_MAX)) s.seed = uint64_t(*v);
  if (const auto m = r.word(j, "metric", {std::begin(kMetrics), std::end(kMetrics)})) s.metric = *m;
  if (const auto m = r.word(j, "mode", {"min", "max"})) s.mode = *m;
  if (const auto e = r.integer(j, "max_epochs", 1, kMaxEpochs)) s.max_epochs = *e;
  if (const auto p = r.integer(j, "parallel", 1, kMaxParallel)) s.parallel = int(*p);
  if (const auto h = j.find("halving"); h != j.end() && !h->is_null()) {
    if (!h->is_object()) {
      r.problem("halving", "expected {\"min_epochs\": 1, \"eta\": 2}, got " + h->dump());
    } else {
      Halving halving;
      for (const auto& [key, v] : h->items())
        if (key != "min_epochs" && key != "eta")
          r.problem("halving." + key, "unknown key; halving takes min_epochs and eta");
      std::vector<io::Problem> inner;
      Reader hr(inner);
      if (const auto m = hr.integer(*h, "min_epochs", 1, kMaxEpochs)) halving.min_epochs = *m;
      if (const auto e = hr.integer(*h, "eta", 2, 100)) halving.eta = *e;
      for (io::Problem& p : inner) r.problem("halving." + p.where, p.message);
      s.halving = halving;
    }
  }
  const auto params = j.find("parameters");
  if (params == j.end() || !params->is_object() || params->empty()) {
    r.problem("parameters",
              "expected an object of setting paths, such as "
              "{\"training.optimizer.lr\": {\"values\": [0.001, 0.01]}}");
  } else {
    for (const auto& [path, v] : params->items())
      s.parameters.push_back(parse_parameter(path, v, r));
  }
  if (s.method == "random" && s.trials == 0)
    r.problem("trials", "missing; a random sweep needs the number of trials, as \"trials\": 8");
  if (s.method == "grid") {
    double combinations = 1;
    for (const SweepParameter& p : s.parameters) {
      if (p.range)
        r.problem("parameters." + p.path,
                  "a range is drawn from by method \"random\"; give "
                  "\"values\": [...] for a grid, or set \"method\": "
                  "\"random\"");
      combinations *= double(std::max<size_t>(p.values.size(), 1));
    }
    if (combinations > double(kMaxTrials) && s.trials == 0)
      r.problem("parameters", "the grid has " + json(combinations).dump() + " combinations, over " +
                                  std::to_string(kMaxTrials) +
                                  "; give fewer values, or cap them with \"trials\"");
  }
  if (!problems.empty()) throw SweepError(file, std::move(problems));
  return s;
}

SweepSpec load_sweep(const std::filesystem::path& path) {
  return parse_sweep(io::read_json_file(path, path.string()), path.string());
}

nlohmann::json to_json(const SweepSpec& s) {
  ordered j = {{"name", s.name}, {"method", s.method}};
  if (s.trials > 0) j["trials"] = s.trials;
  if (s.method == "random") j["seed"] = s.seed;
  j["metric"] = s.metric;
  if (!s.mode.empty()) j["mode"] = s.mode;
  if (s.max_epochs > 0) j["max_epochs"] = s.max_epochs;
  j["parallel"] = s.parallel;
  ordered params = ordered::object();
  for (const SweepParameter& p : s.parameters) {
    if (p.range)
      params[p.path] = {{"min", p.range->min}, {"max", p.range->max}, {"log", p.range->log}};
    else
      params[p.path] = {{"values", ordered::parse(json(p.values).dump())}};
  }
  j["parameters"] = params;
  if (s.halving) j["halving"] = {{"min_epochs", s.halving->min_epochs}, {"eta", s.halving->eta}};
  // The caller gets the plain type; the text keeps the parameters' order.
  return json::parse(j.dump());
}

void check_sweep(SweepSpec& spec, const io::Project& project) {
  std::vector<io::Problem> problems;
  for (const SweepParameter& p : spec.parameters) {
    const std::string at = "parameters." + p.path;
    SettingKind kind;
    try {
      kind = check_setting_path(project, p.path);
    } catch (const SettingError& e) {
      problems.push_back({at, std::string(e.what()).substr(p.path.size() + 2)});
      continue;
    }
    for (size_t i = 0; i < p.values.size(); ++i) try {
        apply_settings(project, {{p.path, p.values[i]}});
      } catch (const SettingError& e) {
        problems.push_back({at + ".values[" + std::to_string(i) + "]",
                            std::string(e.what()).substr(e.path.size() + 2)});
      }
    if (!p.range) continue;
    if (!kind.numeric) {
      problems.push_back({at, "a word setting has no range; list its \"values\""});
      continue;
    }
    if (p.range->min < kind.min || p.range->max > kind.max)
      problems.push_back({at, "the range [" + json(p.range->min).dump() + ", " +
                                  json(p.range->max).dump() + "] leaves the setting's own [" +
                                  json(kind.min).dump() + ", " + json(kind.max).dump() + "]"});
  }
  if (spec.metric.starts_with("val_") && project.data.validation_fraction <= 0)
    problems.push_back({"metric", spec.metric + " needs validation data, and the project has "
                                                "none; set data.validation_fraction (e.g. 0.1) "
                                                "in the project, or rank by train_loss"});
  if (spec.max_epochs == 0) spec.max_epochs = project.training.epochs;
  if (spec.halving && spec.halving->min_epochs > spec.max_epochs)
    problems.push_back({"halving.min_epochs",
                        std::to_string(spec.halving->min_epochs) + " is beyond max_epochs (" +
                            std::to_string(spec.max_epochs) + "); lower it or raise max_epochs"});
  if (!problems.empty()) throw SweepError(spec.file, std::move(problems));
}

std::vector<Trial> plan_trials(const SweepSpec& spec, const io::Project& project) {
  std::vector<Trial> trials;
  if (spec.method == "random") {
    Draws draws(spec.seed);
    for (int64_t t = 0; t < spec.trials; ++t) {
      Trial trial;
      trial.index = int(t) + 1;
      for (const SweepParameter& p : spec.parameters) {
        const double u = draws.uniform();
        if (!p.range) {
          trial.settings[p.path] =
              p.values[std::min(size_t(u * double(p.values.size())), p.values.size() - 1)];
          continue;
        }
        const SweepRange& r = *p.range;
        double v = r.log ? std::exp(std::log(r.min) + u * (std::log(r.max) - std::log(r.min)))
                         : r.min + u * (r.max - r.min);
        if (check_setting_path(project, p.path).integer)
          trial.settings[p.path] = int64_t(std::clamp(
              std::llround(v), std::llround(std::ceil(r.min)), std::llround(std::floor(r.max))));
        else
          trial.settings[p.path] = std::clamp(rounded(v), r.min, r.max);
      }
      trials.push_back(std::move(trial));
    }
    return trials;
  }
  // Grid: an odometer over the value lists, the last one turning fastest.
  std::vector<size_t> at(spec.parameters.size(), 0);
  for (;;) {
    Trial trial;
    trial.index = int(trials.size()) + 1;
    for (size_t i = 0; i < at.size(); ++i)
      trial.settings[spec.parameters[i].path] = spec.parameters[i].values[at[i]];
    trials.push_back(std::move(trial));
    if (spec.trials > 0 && int64_t(trials.size()) >= spec.trials) break;
    size_t i = at.size();
    while (i > 0 && ++at[i - 1] == spec.parameters[i - 1].values.size()) at[--i] = 0;
    if (i == 0) break;
  }
  return trials;
}

std::vector<int64_t> rung_epochs(const SweepSpec& spec) {
  std::vector<int64_t> rungs;
  if (spec.halving)
    for (int64_t e = spec.halving->min_epochs; e < spec.max_epochs; e *= spec.halving->eta)
      rungs.push_back(e);
  rungs.push_back(spec.max_epochs);
  return rungs;
}

RungChoice choose_promoted(const std::vector<TrialScore>& scores, int64_t eta, bool maximize) {
  std::vector<TrialScore> ranked = scores;
  const auto has = [](const TrialScore& s) { return s.metric && std::isfinite(*s.metric); };
  std::sort(ranked.begin(), ranked.end(), [&](const TrialScore& a, const TrialScore& b) {
    if (has(a) != has(b)) return has(a);
    if (has(a) && *a.metric != *b.metric)
      return maximize ? *a.metric > *b.metric : *a.metric < *b.metric;
    return a.trial < b.trial;
  });
  const size_t keep = std::max<size_t>(1, scores.size() / size_t(std::max<int64_t>(eta, 1)));
  RungChoice choice;
  for (size_t i = 0; i < ranked.size(); ++i)
    (i < keep && has(ranked[i]) ? choice.promoted : choice.halted).push_back(ranked[i].trial);
  return choice;
}

}  // namespace nw::train
