#pragma once
// The Layer Health dock: a table of the latest sample (layer, activation mean and std, zeros and
// dead units after its ReLU, gradient norm, update-to-weight ratio), a cell coloured where the
// warning rules of train/health_warnings.h would speak, and for the selected layer its
// activation histograms over time (step across, value up, share of the values as colour) and
// its gradient norm's history on a log scale. It reads a HealthHistory and redraws when it
// changes.
#include <QWidget>

class QCPColorMap;
class QCPGraph;
class QCustomPlot;
class QLabel;
class QTableWidget;

namespace nw::gui {

class HealthHistory;

class LayerHealthPanel : public QWidget {
  Q_OBJECT

 public:
  explicit LayerHealthPanel(HealthHistory* history, QWidget* parent = nullptr);

  QTableWidget* table() const { return table_; }
  QCustomPlot* histogram_plot() const { return histograms_; }
  QCustomPlot* grad_plot() const { return grads_; }
  QString selected_layer() const { return selected_; }
  void select_layer(const QString& layer);

  enum Column { Layer, ActMean, ActStd, Zeros, Dead, GradNorm, UpdateRatio, Columns };

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void refresh();
  void fill_table();
  void draw_selected();

  HealthHistory* history_;
  QLabel* empty_;
  QTableWidget* table_;
  QCustomPlot* histograms_;
  QCPColorMap* map_;
  QCustomPlot* grads_;
  QCPGraph* grad_graph_;
  QString selected_;
};

}  // namespace nw::gui
