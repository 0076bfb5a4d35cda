#pragma once
// A confusion matrix as a heat map: true class down the side, predicted class along the bottom,
// the count written in each cell (up to kMaxLabelledClasses classes). Clicking a cell emits
// cellClicked(true class, predicted class) and outlines it.
#include <cstdint>
#include <string>
#include <vector>

#include <qcustomplot.h>

namespace nw::gui {

class ConfusionMatrixPlot : public QCustomPlot {
  Q_OBJECT

 public:
  static constexpr int kMaxLabelledClasses = 30;

  explicit ConfusionMatrixPlot(QWidget* parent = nullptr);

  // counts[true][predicted]; `names` label the axes (numbers where missing).
  void set_matrix(const std::vector<std::vector<int64_t>>& counts,
                  const std::vector<std::string>& names);
  int classes() const { return classes_; }
  int64_t count(int true_class, int predicted) const;
  QString cell_text(int true_class, int predicted) const;  // "" when counts are not drawn
  // The widget position of a cell's centre (for tests and tooltips).
  QPoint cell_center(int true_class, int predicted) const;
  void select_cell(int true_class, int predicted);

 protected:
  void changeEvent(QEvent* event) override;  // the light or dark palette

 signals:
  void cellClicked(int true_class, int predicted);

 private:
  void on_press(QMouseEvent* event);

  QCPColorMap* map_;
  QCPItemRect* selection_;
  std::vector<std::vector<int64_t>> counts_;
  std::vector<QCPItemText*> texts_;  // row-major, true * classes + predicted
  int classes_ = 0;
};

}  // namespace nw::gui
