#pragma once
// Precision, recall, F1 and support of every class, from an evaluation's confusion matrix.
#include <QTableWidget>

#include <string>
#include <vector>

#include "train/trainer.h"

namespace nw::gui {

struct ClassMetrics {
  double precision = 0.0, recall = 0.0, f1 = 0.0;
  int64_t support = 0;  // samples whose true class this is
};
// One entry per class; 0 where a ratio is undefined, as scikit-learn's zero_division=0.
std::vector<ClassMetrics> class_metrics(const train::EvalResult& result);

class ClassMetricsTable : public QTableWidget {
  Q_OBJECT

 public:
  explicit ClassMetricsTable(QWidget* parent = nullptr);
  void show_result(const train::EvalResult& result, const std::vector<std::string>& names);
};

}  // namespace nw::gui
