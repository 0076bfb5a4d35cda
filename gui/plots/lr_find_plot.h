#pragma once
// The learning-rate finder's curve (train/lr_finder.h): each batch's loss as faint dots and the
// smoothed loss as a line against the learning rate on a log axis, with a dashed vertical line
// and a label for each rule's rate (steepest descent, minimum/10) and a star on the suggestion.
//
//   LrFindPlot plot;
//   plot.append(points);      // while the sweep runs
//   plot.set_result(result);  // the rules' marks, once it ends
#include <QVector>

#include <qcustomplot.h>

#include "train/lr_finder.h"

namespace nw::gui {

class LrFindPlot : public QCustomPlot {
  Q_OBJECT

 public:
  explicit LrFindPlot(QWidget* parent = nullptr);

  void clear_points();
  void append(const QVector<train::LrPoint>& points);
  void set_result(const train::LrFindResult& result);

  // For tests: the marks' rates (0 when not shown).
  double steepest_mark() const;
  double minimum_mark() const;

 protected:
  void changeEvent(QEvent* event) override;

 private:
  struct Mark {
    QCPItemStraightLine* line = nullptr;
    QCPItemText* label = nullptr;
  };
  Mark make_mark(const QColor& color);
  void place(Mark& mark, std::optional<double> lr, const QString& text, double height);
  void fit();

  QCPGraph* raw_ = nullptr;
  QCPGraph* smoothed_ = nullptr;
  QCPGraph* suggested_ = nullptr;
  Mark steepest_, minimum_;
};

}  // namespace nw::gui
