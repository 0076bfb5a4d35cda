#include "training/health_history.h"

namespace nw::gui {

void HealthHistory::add(const train::HealthSample& sample) {
  latest_ = sample;
  for (const train::LayerHealthStats& l : sample.layers) {
    std::vector<Point>& v = points_[QString::fromStdString(l.layer)];
    v.push_back({sample.step, l});
    if (int(v.size()) > kMaxSamples) {
      // Thin the older half: a long run keeps its shape and its recent detail.
      std::vector<Point> kept;
      const size_t half = v.size() / 2;
      for (size_t i = 0; i < v.size(); ++i)
        if (i >= half || i % 2 == 0) kept.push_back(std::move(v[i]));
      v = std::move(kept);
    }
  }
  emit changed();
}

void HealthHistory::clear() {
  latest_ = train::HealthSample();
  points_.clear();
  emit changed();
}

QStringList HealthHistory::layers() const {
  QStringList out;
  for (const auto& l : latest_.layers) out << QString::fromStdString(l.layer);
  return out;
}

const std::vector<HealthHistory::Point>& HealthHistory::points(const QString& layer) const {
  static const std::vector<Point> kNone;
  const auto it = points_.find(layer);
  return it == points_.end() ? kNone : it->second;
}

std::optional<double> HealthHistory::value(const train::LayerHealthStats& s, Metric metric) {
  switch (metric) {
    case Metric::ActMean:
      return s.act_mean;
    case Metric::ActStd:
      return s.act_std;
    case Metric::ZeroFraction:
      return s.zero_fraction;
    case Metric::DeadFraction:
      return s.dead_fraction;
    case Metric::GradNorm:
      return s.grad_norm;
    case Metric::UpdateRatio:
      return s.update_ratio;
  }
  return std::nullopt;
}

QVector<double> HealthHistory::series(const QString& layer, Metric metric) const {
  QVector<double> out;
  for (const Point& p : points(layer))
    if (const auto v = value(p.stats, metric)) out << *v;
  return out;
}

QString HealthHistory::layer_for_node(const QString& node, const QString& prefix) const {
  const QString id = prefix + node;
  if (points_.count(id)) return id;
  // A block use: its layers are "<use>.<inner id>", in the network's order in latest_.
  const std::string inner = (id + QLatin1Char('.')).toStdString();
  for (const auto& l : latest_.layers)
    if (l.layer.rfind(inner, 0) == 0) return QString::fromStdString(l.layer);
  return {};
}

}  // namespace nw::gui
