#include "experiments/parallel_coordinates.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace nw::gui {

namespace {

constexpr int kTop = 34;     // room for the axis names
constexpr int kBottom = 22;  // room for the lowest tick
constexpr int kSide = 48;    // room for the outer axes' tick labels

// A perceptually even ramp from dark violet (worst) through teal to yellow (best), as viridis.
QColor ramp(double t) {
  static const QColor stops[] = {QColor(68, 1, 84), QColor(59, 82, 139), QColor(33, 145, 140),
                                 QColor(94, 201, 98), QColor(253, 231, 37)};
  t = std::clamp(t, 0.0, 1.0) * 4.0;
  const int i = std::min(int(t), 3);
  const double f = t - i;
  const QColor& a = stops[i];
  const QColor& b = stops[i + 1];
  return QColor::fromRgbF(float(a.redF() + f * (b.redF() - a.redF())),
                          float(a.greenF() + f * (b.greenF() - a.greenF())),
                          float(a.blueF() + f * (b.blueF() - a.blueF())));
}

}  // namespace

ParallelCoordinates::ParallelCoordinates(QWidget* parent) : QWidget(parent) {
  setObjectName("parallelCoordinates");
  setAutoFillBackground(true);
  setBackgroundRole(QPalette::Base);
}

void ParallelCoordinates::set_data(std::vector<ParallelAxis> axes, std::vector<ParallelLine> lines,
                                   bool lower_is_better) {
  axes_ = std::move(axes);
  lines_ = std::move(lines);
  lower_is_better_ = lower_is_better;
  for (ParallelLine& l : lines_) l.values.resize(axes_.size());
  fit_ranges();
  update();
}

void ParallelCoordinates::set_highlighted(const QStringList& names) {
  highlighted_ = names;
  update();
}

void ParallelCoordinates::fit_ranges() {
  ranges_.assign(axes_.size(), {});
  for (size_t a = 0; a < axes_.size(); ++a) {
    Range& r = ranges_[a];
    if (!axes_[a].categories.isEmpty()) {
      r = {true, 0.0, double(std::max<qsizetype>(axes_[a].categories.size() - 1, 1))};
      continue;
    }
    for (const ParallelLine& l : lines_) {
      if (!l.values[a] || !std::isfinite(*l.values[a])) continue;
      if (axes_[a].log && *l.values[a] <= 0.0) continue;
      const double v = axes_[a].log ? std::log10(*l.values[a]) : *l.values[a];
      if (!r.valid) r = {true, v, v};
      r.low = std::min(r.low, v);
      r.high = std::max(r.high, v);
    }
    // One value (or all equal): the axis spans around it, so the lines cross its middle.
    if (r.valid && r.high - r.low < 1e-12) {
      const double pad = axes_[a].log ? 0.5 : std::max(std::abs(r.low) * 0.1, 1e-6);
      r.low -= pad;
      r.high += pad;
    }
  }
}

std::optional<double> ParallelCoordinates::position(size_t axis, double value) const {
  if (axis >= ranges_.size() || !ranges_[axis].valid || !std::isfinite(value)) return std::nullopt;
  if (axes_[axis].log && value <= 0.0) return std::nullopt;
  const Range& r = ranges_[axis];
  const double v = axes_[axis].log ? std::log10(value) : value;
  return (v - r.low) / (r.high - r.low);
}

std::optional<double> ParallelCoordinates::quality(const ParallelLine& line) const {
  if (axes_.empty() || !line.values.back()) return std::nullopt;
  const std::optional<double> p = position(axes_.size() - 1, *line.values.back());
  if (!p) return std::nullopt;
  return lower_is_better_ ? 1.0 - *p : *p;
}

QString ParallelCoordinates::tick_text(size_t axis, double value) const {
  const ParallelAxis& a = axes_[axis];
  if (!a.categories.isEmpty()) {
    const int i = int(std::lround(value));
    return i >= 0 && i < a.categories.size() ? a.categories[i] : QString();
  }
  return QString::number(a.log ? std::pow(10.0, value) : value, 'g', 3);
}

void ParallelCoordinates::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QColor text = palette().color(QPalette::Text);
  if (axes_.empty() || lines_.empty()) {
    p.setPen(text);
    p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
               tr("Run a sweep (Train > Sweep...) to compare its settings here"));
    return;
  }
  const double top = kTop, bottom = height() - kBottom;
  const double left = kSide, right = width() - kSide;
  const size_t n = axes_.size();
  auto axis_x = [&](size_t a) {
    return n == 1 ? (left + right) / 2 : left + a * (right - left) / (n - 1);
  };
  auto y_at = [&](double fraction) { return bottom - fraction * (bottom - top); };

  // The lines first, worst first and the highlighted last, so the best lie on top.
  std::vector<size_t> order(lines_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto rank = [&](size_t i) {
    return (highlighted_.contains(lines_[i].name) ? 10.0 : 0.0) + (lines_[i].faded ? 0.0 : 2.0) +
           quality(lines_[i]).value_or(-1.0);
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return rank(a) < rank(b); });
  for (size_t i : order) {
    const ParallelLine& line = lines_[i];
    const std::optional<double> q = quality(line);
    QColor color = q ? ramp(*q) : QColor(128, 128, 128);
    const bool lit = highlighted_.contains(line.name);
    if (line.faded) color.setAlpha(110);
    QPen pen(color, lit ? 3.5 : 2.0, line.faded ? Qt::DashLine : Qt::SolidLine);
    p.setPen(pen);
    QPainterPath path;
    bool open = false;
    for (size_t a = 0; a < n; ++a) {
      const std::optional<double> at = line.values[a] ? position(a, *line.values[a]) : std::nullopt;
      if (!at) {
        open = false;  // a gap where the run has no value
        continue;
      }
      const QPointF pt(axis_x(a), y_at(*at));
      if (open)
        path.lineTo(pt);
      else
        path.moveTo(pt);
      open = true;
    }
    p.drawPath(path);
  }

  // The axes over the lines, with their names and the ends of their ranges.
  const QFontMetrics fm(font());
  for (size_t a = 0; a < n; ++a) {
    const double x = axis_x(a);
    p.setPen(QPen(text, 1.5));
    p.drawLine(QPointF(x, top), QPointF(x, bottom));
    QString name = axes_[a].name + (axes_[a].log ? tr(" (log)") : QString());
    const double room = n == 1 ? width() : (right - left) / (n - 1) + 8;
    name = fm.elidedText(name, Qt::ElideMiddle, int(room));
    const QRectF label(x - room / 2, 2, room, kTop - 12);
    QFont bold = font();
    bold.setBold(a + 1 == n);
    p.setFont(bold);
    p.drawText(label, Qt::AlignHCenter | Qt::AlignBottom, name);
    p.setFont(font());
    const Range& r = ranges_[a];
    if (!r.valid) continue;
    std::vector<double> ticks;
    if (!axes_[a].categories.isEmpty()) {
      for (int c = 0; c < axes_[a].categories.size(); ++c) ticks.push_back(c);
    } else {
      ticks = {r.low, (r.low + r.high) / 2, r.high};
    }
    for (double t : ticks) {
      const double fraction = (t - r.low) / (r.high - r.low);
      const double y = y_at(fraction);
      p.drawLine(QPointF(x - 3, y), QPointF(x + 3, y));
      const QString tick = tick_text(a, t);
      const bool rightmost = a + 1 == n && n > 1;
      const double w = fm.horizontalAdvance(tick) + 4;
      const QRectF box(rightmost ? x + 5 : x - 5 - w, y - fm.height() / 2.0, w, fm.height());
      p.drawText(box, (rightmost ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter, tick);
    }
  }
}

}  // namespace nw::gui
