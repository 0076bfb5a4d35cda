#include "evaluation/class_metrics_table.h"

#include <QHeaderView>

namespace nw::gui {

std::vector<ClassMetrics> class_metrics(const train::EvalResult& r) {
  const size_t n = r.confusion.size();
  std::vector<ClassMetrics> out(n);
  for (size_t k = 0; k < n; ++k) {
    int64_t predicted_k = 0;
    for (size_t t = 0; t < n; ++t) predicted_k += k < r.confusion[t].size() ? r.confusion[t][k] : 0;
    for (int64_t c : r.confusion[k]) out[k].support += c;
    const int64_t hits = k < r.confusion[k].size() ? r.confusion[k][k] : 0;
    ClassMetrics& m = out[k];
    m.precision = predicted_k ? double(hits) / double(predicted_k) : 0.0;
    m.recall = m.support ? double(hits) / double(m.support) : 0.0;
    m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall) : 0.0;
  }
  return out;
}

ClassMetricsTable::ClassMetricsTable(QWidget* parent) : QTableWidget(parent) {
  setColumnCount(5);
  setHorizontalHeaderLabels({tr("class"), tr("precision"), tr("recall"), tr("F1"), tr("support")});
  verticalHeader()->setVisible(false);
  horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
  setEditTriggers(QAbstractItemView::NoEditTriggers);
  setSortingEnabled(false);
}

void ClassMetricsTable::show_result(const train::EvalResult& result,
                                    const std::vector<std::string>& names) {
  const std::vector<ClassMetrics> metrics = class_metrics(result);
  setRowCount(int(metrics.size()));
  for (int k = 0; k < int(metrics.size()); ++k) {
    const ClassMetrics& m = metrics[size_t(k)];
    const QString name =
        size_t(k) < names.size() ? QString::fromStdString(names[size_t(k)]) : QString::number(k);
    const QString cells[] = {name, QString::number(m.precision, 'f', 3),
                             QString::number(m.recall, 'f', 3), QString::number(m.f1, 'f', 3),
                             QString::number(m.support)};
    for (int c = 0; c < 5; ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      if (c > 0) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      setItem(k, c, item);
    }
  }
}

}  // namespace nw::gui
