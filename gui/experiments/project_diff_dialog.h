#pragma once
// "Diff Projects" in the Runs dock: what differs between the projects two runs were trained with
// (each run's record keeps its project as run, train/run_record.h), one row per differing setting
// (io/project_diff.h): the path, the value in the first run and in the second.
#include <QDialog>

#include <vector>

#include "io/project_diff.h"

class QTableWidget;

namespace nw::gui {

class ProjectDiffDialog : public QDialog {
  Q_OBJECT

 public:
  ProjectDiffDialog(const QString& run_a, const QString& run_b,
                    const std::vector<io::ProjectChange>& changes, QWidget* parent = nullptr);
  QTableWidget* table() const { return table_; }

 private:
  QTableWidget* table_;
};

}  // namespace nw::gui
