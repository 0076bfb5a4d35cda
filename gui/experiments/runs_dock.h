#pragma once
// The body of the Runs dock: every run of the open project in a sortable table (RunsModel) beside
// a parallel-coordinates plot of the swept settings and the validation loss, with a bar of
// actions (Refresh, Diff Projects) and, while a sweep goes on, its progress and a Stop button.
// Checking runs in the table asks for their curves on the dashboard (overlayRequested); picking
// two rows enables Diff Projects (diffRequested).
#include <QWidget>

#include <vector>

#include "experiments/run_row.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QSplitter;
class QTableView;

namespace nw::gui {

class ParallelCoordinates;
class RunsModel;

class RunsDock : public QWidget {
  Q_OBJECT

 public:
  explicit RunsDock(QWidget* parent = nullptr);

  void set_rows(std::vector<RunRow> rows);
  RunsModel* model() const { return model_; }
  QTableView* table() const { return table_; }
  ParallelCoordinates* plot() const { return plot_; }
  // The runs selected in the table, in the table's order (the diff takes the first two).
  QStringList selected_runs() const;
  void select_runs(const QStringList& names);

  // The sweep bar: shown with `text` and trials done of `total`; hidden by end_sweep().
  void show_sweep(const QString& text, int done, int total);
  void end_sweep(const QString& text);
  QPushButton* stop_button() const { return stop_; }
  QLabel* sweep_label() const { return sweep_label_; }

 signals:
  void refreshRequested();
  void overlayRequested(const QStringList& names);
  void diffRequested(const QString& run_a, const QString& run_b);
  void stopRequested();

 private:
  void update_plot();
  void update_buttons();

  RunsModel* model_;
  QSortFilterProxyModel* proxy_;
  QTableView* table_;
  ParallelCoordinates* plot_;
  QSplitter* splitter_;
  QPushButton* diff_;
  QPushButton* stop_;
  QLabel* sweep_label_;
  QProgressBar* progress_;
};

}  // namespace nw::gui
