#include "evaluation/predictions_widget.h"

#include <QHeaderView>

#include "evaluation/sample_thumbnail.h"

namespace nw::gui {

PredictionsWidget::PredictionsWidget(QWidget* parent) : QTableWidget(parent) {
  setColumnCount(2 + kTop);
  setHorizontalHeaderLabels({tr("sample"), tr("true"), tr("1st"), tr("2nd"), tr("3rd")});
  verticalHeader()->setVisible(false);
  setEditTriggers(QAbstractItemView::NoEditTriggers);
  setIconSize(QSize(32, 32));
}

void PredictionsWidget::set_predictions(const SplitPredictions& predictions) {
  predictions_ = predictions;
  setRowCount(0);
}

void PredictionsWidget::show_samples(const std::vector<int64_t>& indices) {
  setRowCount(0);
  const auto name = [this](int64_t k) {
    return k >= 0 && size_t(k) < predictions_.class_names.size()
               ? QString::fromStdString(predictions_.class_names[size_t(k)])
               : QString::number(k);
  };
  for (int64_t index : indices) {
    // Predictions are made over the split in order, so row i is sample i.
    if (index < 0 || size_t(index) >= predictions_.samples.size()) continue;
    const SamplePrediction& s = predictions_.samples[size_t(index)];
    const int row = rowCount();
    insertRow(row);
    auto* sample = new QTableWidgetItem(QStringLiteral("#%1").arg(index));
    if (predictions_.dataset) {
      try {
        const QImage img = sample_thumbnail(predictions_.dataset->get(index).data, 32);
        if (!img.isNull()) sample->setIcon(QIcon(QPixmap::fromImage(img)));
      } catch (const std::exception&) {
        // Listed without its picture.
      }
    }
    setItem(row, 0, sample);
    setItem(row, 1, new QTableWidgetItem(name(s.target)));
    const auto top = predictions_.top_k(size_t(index), kTop);
    for (size_t k = 0; k < top.size(); ++k)
      setItem(row, 2 + int(k),
              new QTableWidgetItem(QStringLiteral("%1  %2%")
                                       .arg(name(top[k].first))
                                       .arg(100.0 * top[k].second, 0, 'f', 1)));
  }
  resizeColumnsToContents();
}

}  // namespace nw::gui
