#include "train/metrics_log.h"

#include <fstream>

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

}  // namespace

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
