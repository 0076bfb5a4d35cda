#include "experiments/run_row.h"

#include <QObject>

#include <algorithm>
#include <cmath>
#include <set>

#include "train/run_index.h"
#include "train/run_record.h"

namespace nw::gui {

namespace {

// "halted by halving" and the like: the record's word, spelled for a reader.
void fill_state(RunRow& row, const train::RunRecord& r) {
  using train::RecordState;
  switch (r.state) {
    case RecordState::Halted:
      row.state = r.sweep && r.sweep->halted_at > 0
                      ? QObject::tr("halted after epoch %1").arg(r.sweep->halted_at)
                      : QObject::tr("halted");
      break;
    case RecordState::EarlyStopped:
      row.state = QObject::tr("early stopped");
      break;
    case RecordState::Unknown:
      row.state = QObject::tr("ended");  // an older run: whether it finished is not recorded
      break;
    default:
      row.state = QString::fromUtf8(train::to_string(r.state));
      break;
  }
  row.halted = r.state == RecordState::Halted;
  row.ended_early = r.state == RecordState::Halted || r.state == RecordState::Stopped ||
                    r.state == RecordState::Failed;
  if (!r.reason.empty()) row.reason = QString::fromStdString(r.reason);
  if (r.sweep && !r.sweep->why.empty()) row.reason = QString::fromStdString(r.sweep->why);
}

// Training settings before layer parameters, each group in path order.
bool setting_before(const std::string& a, const std::string& b) {
  const bool ta = a.starts_with("training."), tb = b.starts_with("training.");
  return ta != tb ? ta : a < b;
}

}  // namespace

std::vector<RunRow> read_run_rows(const std::vector<train::RunInfo>& runs,
                                  std::vector<QString>* problems) {
  std::vector<RunRow> rows;
  for (const train::RunInfo& run : runs) {
    RunRow row;
    row.name = QString::fromStdString(run.name);
    row.dir = QString::fromStdString(run.dir.string());
    row.started = QDateTime::fromSecsSinceEpoch(qint64(run.started));
    if (!run.record_problem.empty() && problems)
      problems->push_back(row.name + ": " + QString::fromStdString(run.record_problem));
    if (!run.record) {
      row.state = QStringLiteral("unreadable");
      row.ended_early = true;
      rows.push_back(std::move(row));
      continue;
    }
    const train::RunRecord& r = *run.record;
    row.settings = r.settings;
    row.settings.erase("training.epochs");  // the Epochs column; halving makes it differ
    fill_state(row, r);
    row.epochs = r.epochs_done;
    row.val_loss = r.last.val_loss;
    row.val_accuracy = r.last.val_accuracy;
    if (r.best.epoch > 0) {
      row.best = r.best.get(r.monitor.empty() ? "val_loss" : r.monitor);
      row.best_metric = QString::fromStdString(r.monitor);
      row.best_epoch = r.best.epoch;
    }
    if (r.sweep) row.sweep = QString::fromStdString(r.sweep->sweep);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> varying_settings(const std::vector<RunRow>& rows) {
  std::set<std::string> paths;
  for (const RunRow& r : rows)
    for (const auto& [path, value] : r.settings) paths.insert(path);
  std::vector<std::string> out;
  for (const std::string& path : paths) {
    std::optional<nlohmann::json> first;
    bool differs = false;
    for (const RunRow& r : rows) {
      const auto it = r.settings.find(path);
      const nlohmann::json v = it == r.settings.end() ? nlohmann::json() : it->second;
      if (!first)
        first = v;
      else if (v != *first)
        differs = true;
    }
    if (differs) out.push_back(path);
  }
  std::sort(out.begin(), out.end(), setting_before);
  return out;
}

QString setting_title(const std::string& path, const std::vector<std::string>& all) {
  auto tail = [](const std::string& p, int parts) {
    size_t cut = p.size();
    for (int i = 0; i < parts && cut != std::string::npos; ++i)
      cut = cut == 0 ? std::string::npos : p.rfind('.', cut - 1);
    return cut == std::string::npos ? p : p.substr(cut + 1);
  };
  for (int parts = 1; parts < 8; ++parts) {
    const std::string mine = tail(path, parts);
    const bool shared = std::any_of(all.begin(), all.end(), [&](const std::string& other) {
      return other != path && tail(other, parts) == mine;
    });
    if (!shared) return QString::fromStdString(mine);
  }
  return QString::fromStdString(path);
}

bool spans_decades(const std::vector<RunRow>& rows, const std::string& path) {
  double low = 0.0, high = 0.0;
  bool any = false;
  for (const RunRow& r : rows) {
    const auto it = r.settings.find(path);
    if (it == r.settings.end()) continue;
    if (!it->second.is_number()) return false;
    const double v = it->second.get<double>();
    if (!(v > 0.0)) return false;
    low = any ? std::min(low, v) : v;
    high = any ? std::max(high, v) : v;
    any = true;
  }
  return any && high >= 20.0 * low;
}

}  // namespace nw::gui
