#include "evaluation/misclassified_list.h"

#include <algorithm>

#include "evaluation/sample_thumbnail.h"

namespace nw::gui {

namespace {

QString class_name(const SplitPredictions& p, int64_t k) {
  return k >= 0 && size_t(k) < p.class_names.size()
             ? QString::fromStdString(p.class_names[size_t(k)])
             : QString::number(k);
}

}  // namespace

std::vector<SamplePrediction> cell_samples(const SplitPredictions& predictions, int true_class,
                                           int predicted) {
  std::vector<SamplePrediction> out;
  for (const SamplePrediction& s : predictions.samples)
    if (s.target == true_class && s.predicted == predicted) out.push_back(s);
  std::stable_sort(out.begin(), out.end(),
                   [](const SamplePrediction& a, const SamplePrediction& b) {
                     return a.confidence > b.confidence;
                   });
  return out;
}

MisclassifiedList::MisclassifiedList(QWidget* parent) : QListWidget(parent) {
  setIconSize(QSize(48, 48));
  setUniformItemSizes(true);
}

void MisclassifiedList::set_predictions(const SplitPredictions& predictions) {
  predictions_ = predictions;
  clear();
}

int MisclassifiedList::show_cell(int true_class, int predicted) {
  clear();
  const std::vector<SamplePrediction> samples = cell_samples(predictions_, true_class, predicted);
  const size_t shown = std::min<size_t>(samples.size(), kMaxShown);
  for (size_t i = 0; i < shown; ++i) {
    const SamplePrediction& s = samples[i];
    auto* item = new QListWidgetItem(tr("#%1  true: %2 → predicted: %3  (%4%)")
                                         .arg(s.index)
                                         .arg(class_name(predictions_, s.target))
                                         .arg(class_name(predictions_, s.predicted))
                                         .arg(100.0 * s.confidence, 0, 'f', 1));
    item->setData(Qt::UserRole, QVariant::fromValue<qint64>(s.index));
    if (predictions_.dataset) {
      try {
        const QImage img =
            sample_thumbnail(predictions_.dataset->get(s.index).data, iconSize().width());
        if (!img.isNull()) item->setIcon(QIcon(QPixmap::fromImage(img)));
      } catch (const std::exception&) {
        // A sample that cannot be read is still listed, without its picture.
      }
    }
    addItem(item);
  }
  if (samples.size() > shown) addItem(tr("… and %1 more").arg(samples.size() - shown));
  return int(samples.size());
}

std::vector<int64_t> MisclassifiedList::shown_indices() const {
  std::vector<int64_t> out;
  for (int i = 0; i < count(); ++i) {
    const QVariant v = item(i)->data(Qt::UserRole);
    if (v.isValid()) out.push_back(v.toLongLong());
  }
  return out;
}

}  // namespace nw::gui
