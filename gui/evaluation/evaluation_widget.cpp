#include "evaluation/evaluation_widget.h"

#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>

#include "evaluation/class_metrics_table.h"
#include "evaluation/confusion_matrix_plot.h"
#include "evaluation/misclassified_list.h"
#include "training/training_controller.h"

namespace nw::gui {

namespace {
const char* const kNoEvaluation =
    QT_TRANSLATE_NOOP("EvaluationWidget", "No evaluation yet: train, then Train > Evaluate.");
}  // namespace

EvaluationWidget::EvaluationWidget(QWidget* parent) : QWidget(parent) {
  weights_ = new QLabel;
  weights_->setObjectName("evaluationWeights");
  weights_->setWordWrap(true);
  weights_->hide();
  summary_ = new QLabel(tr(kNoEvaluation));
  summary_->setObjectName("evaluationSummary");
  matrix_ = new ConfusionMatrixPlot;
  matrix_->setMinimumSize(280, 280);
  table_ = new ClassMetricsTable;
  cell_title_ = new QLabel(tr("Click a cell of the matrix to list its samples."));
  cell_title_->setWordWrap(true);
  samples_ = new MisclassifiedList;

  auto* side = new QWidget;
  auto* side_layout = new QVBoxLayout(side);
  side_layout->setContentsMargins(0, 0, 0, 0);
  side_layout->addWidget(table_, 1);
  side_layout->addWidget(cell_title_);
  side_layout->addWidget(samples_, 1);
  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(matrix_);
  split->addWidget(side);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  split->setSizes({540, 360});

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(weights_);
  layout->addWidget(summary_);
  layout->addWidget(split, 1);
  connect(matrix_, &ConfusionMatrixPlot::cellClicked, this, &EvaluationWidget::show_cell);
  connect(matrix_, &ConfusionMatrixPlot::cellClicked, this, &EvaluationWidget::cellClicked);
}

void EvaluationWidget::attach(TrainingController* controller) {
  connect(controller, &TrainingController::predictionsReady, this,
          &EvaluationWidget::show_predictions);
  connect(controller, &TrainingController::evaluationReady, this,
          &EvaluationWidget::show_evaluation);
}

void EvaluationWidget::show_predictions(const SplitPredictions& predictions) {
  names_ = predictions.class_names;
  samples_->set_predictions(predictions);
  cell_title_->setText(tr("Click a cell of the matrix to list its samples."));
}

void EvaluationWidget::show_evaluation(const train::EvalResult& r) {
  QString text = tr("%1 split: %2 samples, loss %3")
                     .arg(QString::fromStdString(r.split))
                     .arg(r.samples)
                     .arg(r.loss, 0, 'f', 4);
  if (r.accuracy) text += tr(", accuracy %1%").arg(100.0 * *r.accuracy, 0, 'f', 2);
  summary_->setText(text);
  matrix_->set_matrix(r.confusion, names_);
  table_->show_result(r, names_);
}

void EvaluationWidget::show_cell(int true_class, int predicted) {
  const int n = samples_->show_cell(true_class, predicted);
  const auto name = [this](int k) {
    return size_t(k) < names_.size() ? QString::fromStdString(names_[size_t(k)])
                                     : QString::number(k);
  };
  cell_title_->setText(
      tr("true %1, predicted %2: %n sample(s)", nullptr, n).arg(name(true_class), name(predicted)));
}

void EvaluationWidget::set_weights(const QString& text) {
  weights_->setText(tr("Weights: %1").arg(text));
  weights_->setVisible(!text.isEmpty());
}

void EvaluationWidget::clear() {
  names_.clear();
  weights_->clear();
  weights_->hide();
  summary_->setText(tr(kNoEvaluation));
  matrix_->set_matrix({}, {});
  table_->show_result({}, {});
  samples_->set_predictions({});
  cell_title_->setText(tr("Click a cell of the matrix to list its samples."));
}

QString EvaluationWidget::summary_text() const {
  return summary_->text();
}

QString EvaluationWidget::weights_text() const {
  return weights_->isHidden() ? QString() : weights_->text();
}

}  // namespace nw::gui
