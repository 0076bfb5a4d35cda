#include "experiments/runs_model.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

#include "train/run_record.h"

namespace nw::gui {

namespace {

constexpr int kMetricColumns = 3;  // val loss, val accuracy, best

QVariant number_or_blank(const std::optional<double>& v) {
  return v ? QVariant(*v) : QVariant();
}

QString cell_text(const nlohmann::json& value) {
  return value.is_null() ? QStringLiteral("-") : QString::fromStdString(train::setting_text(value));
}

}  // namespace

RunsModel::RunsModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunsModel::set_rows(std::vector<RunRow> rows) {
  beginResetModel();
  rows_ = std::move(rows);
  settings_ = varying_settings(rows_);
  QSet<QString> kept;
  for (const RunRow& r : rows_)
    if (checked_.contains(r.name)) kept.insert(r.name);
  const bool changed = kept != checked_;
  checked_ = kept;
  endResetModel();
  if (changed) emit checkedChanged(checked());
}

const RunRow* RunsModel::row(int i) const {
  return i >= 0 && i < int(rows_.size()) ? &rows_[size_t(i)] : nullptr;
}

int RunsModel::row_of(const QString& name) const {
  for (size_t i = 0; i < rows_.size(); ++i)
    if (rows_[i].name == name) return int(i);
  return -1;
}

int RunsModel::setting_column(const std::string& path) const {
  for (size_t i = 0; i < settings_.size(); ++i)
    if (settings_[i] == path) return kFixedColumns + int(i);
  return -1;
}

QStringList RunsModel::checked() const {
  QStringList names;
  for (const RunRow& r : rows_)
    if (checked_.contains(r.name)) names << r.name;
  return names;
}

void RunsModel::set_checked(const QStringList& names) {
  QSet<QString> next;
  for (const QString& n : names)
    if (row_of(n) >= 0) next.insert(n);
  if (next == checked_) return;
  checked_ = next;
  if (!rows_.empty())
    emit dataChanged(index(0, kName), index(rowCount() - 1, kName), {Qt::CheckStateRole});
  emit checkedChanged(checked());
}

int RunsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : int(rows_.size());
}

int RunsModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kFixedColumns + int(settings_.size()) + kMetricColumns;
}

Qt::ItemFlags RunsModel::flags(const QModelIndex& index) const {
  Qt::ItemFlags f = QAbstractTableModel::flags(index);
  if (index.column() == kName) f |= Qt::ItemIsUserCheckable;
  return f;
}

bool RunsModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (role != Qt::CheckStateRole || index.column() != kName || !row(index.row())) return false;
  const QString& name = rows_[size_t(index.row())].name;
  if (value.value<Qt::CheckState>() == Qt::Checked)
    checked_.insert(name);
  else
    checked_.remove(name);
  emit dataChanged(index, index, {Qt::CheckStateRole});
  emit checkedChanged(checked());
  return true;
}

QVariant RunsModel::data(const QModelIndex& index, int role) const {
  const RunRow* r = row(index.row());
  if (!r) return {};
  if (role == Qt::CheckStateRole && index.column() == kName)
    return checked_.contains(r->name) ? Qt::Checked : Qt::Unchecked;
  if (role == Qt::ForegroundRole && r->ended_early)
    return QBrush(QColor(128, 128, 128));  // the faded lines of the parallel coordinates
  if (role == Qt::TextAlignmentRole && index.column() != kName && index.column() != kState)
    return int(Qt::AlignRight | Qt::AlignVCenter);
  if (role != Qt::DisplayRole && role != kSortRole && role != Qt::ToolTipRole) return {};
  return cell(*r, index.column(), role);
}

QVariant RunsModel::cell(const RunRow& r, int column, int role) const {
  const bool sort = role == kSortRole;
  switch (column) {
    case kName:
      if (role == Qt::ToolTipRole) return r.dir;
      return r.name;
    case kState:
      if (role == Qt::ToolTipRole) {
        QStringList tip;
        if (!r.sweep.isEmpty()) tip << tr("sweep %1").arg(r.sweep);
        if (!r.reason.isEmpty()) tip << r.reason;
        return tip.join('\n');
      }
      return r.state;
    case kStarted:
      if (sort) return r.started.toSecsSinceEpoch();
      return QLocale().toString(r.started, QLocale::ShortFormat);
    case kEpochs:
      return qlonglong(r.epochs);
    default:
      break;
  }
  const int s = column - kFixedColumns;
  if (s >= 0 && s < int(settings_.size())) {
    const std::string& path = settings_[size_t(s)];
    if (role == Qt::ToolTipRole) return QString::fromStdString(path);
    const auto it = r.settings.find(path);
    if (it == r.settings.end()) return sort ? QVariant() : QVariant(QStringLiteral("-"));
    if (sort && it->second.is_number()) return it->second.get<double>();
    return cell_text(it->second);
  }
  const int m = s - int(settings_.size());
  if (role == Qt::ToolTipRole && m != 2) return {};
  switch (m) {
    case 0:
      if (sort) return number_or_blank(r.val_loss);
      return r.val_loss ? QString::number(*r.val_loss, 'f', 4) : QString();
    case 1:
      if (sort) return number_or_blank(r.val_accuracy);
      return r.val_accuracy ? QStringLiteral("%1%").arg(*r.val_accuracy * 100.0, 0, 'f', 2)
                            : QString();
    case 2:
      if (role == Qt::ToolTipRole) return r.best_metric;
      if (sort) return number_or_blank(r.best);
      if (role == Qt::ToolTipRole || !r.best) return QString();
      return (r.best_metric.endsWith(QStringLiteral("accuracy"))
                  ? QStringLiteral("%1%").arg(*r.best * 100.0, 0, 'f', 2)
                  : QString::number(*r.best, 'f', 4)) +
             tr(" (epoch %1)").arg(r.best_epoch);
    default:
      return {};
  }
}

QVariant RunsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  const int s = section - kFixedColumns;
  if (role == Qt::ToolTipRole) {
    if (s >= 0 && s < int(settings_.size())) return QString::fromStdString(settings_[size_t(s)]);
    if (section == metric_column(2))
      return tr("The best epoch's figure of the metric the run monitors (best.h5)");
    return {};
  }
  if (role != Qt::DisplayRole) return {};
  switch (section) {
    case kName:
      return tr("Run");
    case kState:
      return tr("State");
    case kStarted:
      return tr("Started");
    case kEpochs:
      return tr("Epochs");
    default:
      break;
  }
  if (s >= 0 && s < int(settings_.size())) return setting_title(settings_[size_t(s)], settings_);
  switch (s - int(settings_.size())) {
    case 0:
      return tr("Val loss");
    case 1:
      return tr("Val accuracy");
    case 2:
      return tr("Best");
    default:
      return {};
  }
}

}  // namespace nw::gui
