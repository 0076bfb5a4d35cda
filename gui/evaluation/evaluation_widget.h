#pragma once
// The evaluation view: loss and accuracy of the evaluated split, the confusion matrix as a heat
// map, precision/recall/F1 per class, and, for a clicked cell, the samples in it (most confident
// first, with thumbnails for image data).
//
//   auto* view = new EvaluationWidget;
//   view->attach(&controller);   // follows evaluationReady and predictionsReady
//   controller.evaluate("test");
#include <QWidget>

#include "train/trainer.h"
#include "training/training_types.h"

class QLabel;

namespace nw::gui {

class ClassMetricsTable;
class ConfusionMatrixPlot;
class MisclassifiedList;
class TrainingController;

class EvaluationWidget : public QWidget {
  Q_OBJECT

 public:
  explicit EvaluationWidget(QWidget* parent = nullptr);

  void attach(TrainingController* controller);
  // Predictions (class names, per-sample results) may come first; the matrix uses their names.
  void show_predictions(const SplitPredictions& predictions);
  void show_evaluation(const train::EvalResult& result);
  // Which weights the next result comes from: "best.h5 of run 20261207-041106 (epoch 7, val
  // accuracy 87.85%)"; shown above the figures.
  void set_weights(const QString& text);
  // Nothing evaluated (another project was opened): the figures go, the hint comes back.
  void clear();

  ConfusionMatrixPlot* matrix() const { return matrix_; }
  ClassMetricsTable* class_table() const { return table_; }
  MisclassifiedList* samples() const { return samples_; }
  QString summary_text() const;
  QString weights_text() const;

 signals:
  void cellClicked(int true_class, int predicted);

 private:
  void show_cell(int true_class, int predicted);

  QLabel* weights_;
  QLabel* summary_;
  ConfusionMatrixPlot* matrix_;
  ClassMetricsTable* table_;
  QLabel* cell_title_;
  MisclassifiedList* samples_;
  std::vector<std::string> names_;
};

}  // namespace nw::gui
