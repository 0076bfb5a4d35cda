#pragma once
// The Runs dock's table: one row per run (RunRow), with a check box in the first column that
// puts the run's curves on the dashboard's plots. Columns: name, state, started, epochs, one per
// setting that differs between the runs, then val loss, val accuracy and the best epoch's figure.
// Every cell has a sort key under kSortRole (numbers as numbers), so a QSortFilterProxyModel with
// setSortRole(kSortRole) sorts 1e-4 before 3e-3 and "9" before "10".
#include <QAbstractTableModel>
#include <QSet>

#include <string>
#include <vector>

#include "experiments/run_row.h"

namespace nw::gui {

class RunsModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  static constexpr int kSortRole = Qt::UserRole + 1;
  enum FixedColumn { kName, kState, kStarted, kEpochs, kFixedColumns };

  explicit RunsModel(QObject* parent = nullptr);

  // Replaces the rows; runs checked before (by name) stay checked.
  void set_rows(std::vector<RunRow> rows);
  const std::vector<RunRow>& rows() const { return rows_; }
  const RunRow* row(int i) const;
  int row_of(const QString& name) const;  // -1 when not listed
  const std::vector<std::string>& setting_columns() const { return settings_; }
  int setting_column(const std::string& path) const;  // -1 when not a column
  int metric_column(int k) const { return kFixedColumns + int(settings_.size()) + k; }

  QStringList checked() const;  // the names of the checked runs, in row order
  void set_checked(const QStringList& names);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role) override;

 signals:
  void checkedChanged(const QStringList& names);

 private:
  QVariant cell(const RunRow& r, int column, int role) const;

  std::vector<RunRow> rows_;
  std::vector<std::string> settings_;
  QSet<QString> checked_;
};

}  // namespace nw::gui
