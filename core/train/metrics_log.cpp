#include "train/metrics_log.h"

#include <cmath>
#include <fstream>
#include <limits>

#include "tensor/errors.h"

namespace nw::train {

namespace {

void put_optional(nlohmann::json& j, const char* key, const std::optional<double>& v) {
  if (v) j[key] = *v;
}

std::optional<double> get_optional(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

template <typename T>
T required(const nlohmann::json& j, const char* key, const std::string& where) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number())
    throw Error(where + ": the " + j.value("event", std::string("?")) + " line has no number '" +
                key + "'; the file was not written by netwright-cli train --metrics");
  return it->get<T>();
}

// JSON has no NaN or infinity (nlohmann writes null): a non-finite statistic, such as an
// exploding gradient norm, goes as a string.
nlohmann::json number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return v;
}

std::optional<double> read_number(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  if (it->is_number()) return it->get<double>();
  if (!it->is_string()) return std::nullopt;
  const std::string& s = it->get_ref<const std::string&>();
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  return std::nullopt;
}

void put_number(nlohmann::json& j, const char* key, const std::optional<double>& v) {
  if (v) j[key] = number(*v);
}

LayerHealthStats parse_layer(const nlohmann::json& j, const std::string& where) {
  LayerHealthStats l;
  if (!j.is_object() || !j.contains("layer") || !j["layer"].is_string())
    throw Error(where +
                ": a health line's layer has no \"layer\" name; the file was not written "
                "by netwright-cli train --metrics");
  l.layer = j["layer"].get<std::string>();
  l.type = j.value("type", std::string());
  l.activation = j.value("activation", std::string());
  l.act_mean = read_number(j, "act_mean").value_or(0.0);
  l.act_std = read_number(j, "act_std").value_or(0.0);
  l.zero_fraction = read_number(j, "zero_fraction");
  l.dead_fraction = read_number(j, "dead_fraction");
  l.grad_norm = read_number(j, "grad_norm");
  l.update_ratio = read_number(j, "update_ratio");
  l.hist_lo = read_number(j, "hist_lo").value_or(0.0);
  l.hist_hi = read_number(j, "hist_hi").value_or(0.0);
  if (const auto h = j.find("histogram"); h != j.end() && h->is_array())
    for (const auto& c : *h) l.histogram.push_back(c.is_number() ? c.get<int64_t>() : 0);
  return l;
}

}  // namespace

nlohmann::json health_json(const HealthSample& h) {
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerHealthStats& l : h.layers) {
    nlohmann::json j = {{"layer", l.layer},
                        {"type", l.type},
                        {"act_mean", number(l.act_mean)},
                        {"act_std", number(l.act_std)},
                        {"hist_lo", number(l.hist_lo)},
                        {"hist_hi", number(l.hist_hi)},
                        {"histogram", l.histogram}};
    if (!l.activation.empty()) j["activation"] = l.activation;
    put_number(j, "zero_fraction", l.zero_fraction);
    put_number(j, "dead_fraction", l.dead_fraction);
    put_number(j, "grad_norm", l.grad_norm);
    put_number(j, "update_ratio", l.update_ratio);
    layers.push_back(std::move(j));
  }
  return {{"event", "health"},
          {"epoch", h.epoch},
          {"batch", h.batch},
          {"step", h.step},
          {"layers", std::move(layers)}};
}

nlohmann::json batch_json(const BatchStats& b) {
  nlohmann::json j = {{"event", "batch"},
                      {"epoch", b.epoch},
                      {"batch", b.batch},
                      {"batches", b.batches},
                      {"samples_seen", b.samples_seen},
                      {"loss", b.loss},
                      {"lr", b.lr},
                      {"samples_per_second", b.samples_per_second}};
  put_optional(j, "accuracy", b.accuracy);
  return j;
}

nlohmann::json epoch_json(const EpochStats& e) {
  nlohmann::json j = {{"event", "epoch"},
                      {"epoch", e.epoch},
                      {"train_loss", e.train_loss},
                      {"lr", e.lr},
                      {"seconds", e.seconds}};
  put_optional(j, "train_accuracy", e.train_accuracy);
  put_optional(j, "val_loss", e.val_loss);
  put_optional(j, "val_accuracy", e.val_accuracy);
  return j;
}

nlohmann::json failed_json(const std::string& reason) {
  return {{"event", "failed"}, {"reason", reason}};
}

MetricsEvent parse_metrics_line(const std::string& line, const std::string& where) {
  const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("event") || !j["event"].is_string())
    throw Error(where + ": not a metrics line (a JSON object with an \"event\"): '" +
                line.substr(0, 80) + "'");
  const std::string event = j["event"].get<std::string>();
  MetricsEvent out;
  if (event == "batch") {
    out.kind = MetricsEvent::Kind::Batch;
    BatchStats& b = out.batch;
    b.epoch = required<int64_t>(j, "epoch", where);
    b.batch = required<int64_t>(j, "batch", where);
    b.batches = required<int64_t>(j, "batches", where);
    b.samples_seen = j.value("samples_seen", int64_t(0));
    b.loss = required<double>(j, "loss", where);
    b.accuracy = get_optional(j, "accuracy");
    b.lr = j.value("lr", 0.0);
    b.samples_per_second = j.value("samples_per_second", 0.0);
  } else if (event == "epoch") {
    out.kind = MetricsEvent::Kind::Epoch;
    EpochStats& e = out.epoch;
    e.epoch = required<int64_t>(j, "epoch", where);
    e.train_loss = required<double>(j, "train_loss", where);
    e.train_accuracy = get_optional(j, "train_accuracy");
    e.val_loss = get_optional(j, "val_loss");
    e.val_accuracy = get_optional(j, "val_accuracy");
    e.lr = j.value("lr", 0.0);
    e.seconds = j.value("seconds", 0.0);
  } else if (event == "health") {
    out.kind = MetricsEvent::Kind::Health;
    HealthSample& h = out.health;
    h.epoch = required<int64_t>(j, "epoch", where);
    h.batch = required<int64_t>(j, "batch", where);
    h.step = required<int64_t>(j, "step", where);
    if (const auto layers = j.find("layers"); layers != j.end() && layers->is_array())
      for (const auto& l : *layers) h.layers.push_back(parse_layer(l, where));
  } else if (event == "failed") {
    out.kind = MetricsEvent::Kind::Failed;
    out.reason = j.value("reason", std::string());
  }
  return out;
}

MetricsTail::Read MetricsTail::read_new() {
  Read out;
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(file_, ec);
  if (ec) return out;    // not written yet
  if (size < offset_) {  // replaced by a shorter file: a new run wrote it
    offset_ = 0;
    partial_.clear();
    line_ = 0;
  }
  if (size == offset_) return out;
  std::ifstream in(file_, std::ios::binary);
  if (!in) return out;  // there a moment ago: read on the next call
  in.seekg(std::streamoff(offset_));
  std::string chunk(size - offset_, '\0');
  in.read(chunk.data(), std::streamsize(chunk.size()));
  chunk.resize(size_t(in.gcount()));
  offset_ += chunk.size();
  partial_ += chunk;

  size_t start = 0;
  for (size_t end; (end = partial_.find('\n', start)) != std::string::npos; start = end + 1) {
    const std::string line = partial_.substr(start, end - start);
    ++line_;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      out.events.push_back(parse_metrics_line(line, file_.string() + ":" + std::to_string(line_)));
    } catch (const Error& e) {
      out.problems.emplace_back(e.what());
    }
  }
  partial_.erase(0, start);
  return out;
}

}  // namespace nw::train
