#pragma once
// A parallel-coordinates plot of runs: one vertical axis per swept setting and a last one for the
// metric, one polyline per run through its values, coloured by the metric (the best runs
// brightest). A log axis suits settings that span decades (learning rate, weight decay); a
// categorical axis (the optimizer) spaces its words evenly. Runs that stopped early (halted by
// successive halving, stopped, failed) draw dashed and faded, so the finished ones stand out.
//
//   plot->set_data({{"lr", true}, {"batch_size"}, {"val_loss"}}, lines, /*lower_is_better=*/true);
#include <QString>
#include <QStringList>
#include <QWidget>

#include <optional>
#include <vector>

namespace nw::gui {

struct ParallelAxis {
  QString name;
  bool log = false;
  QStringList categories;  // not empty: a categorical axis; the values are indices into it
};

struct ParallelLine {
  QString name;
  std::vector<std::optional<double>> values;  // one per axis; none: the run has no value there
  bool faded = false;                         // ended early: dashed and lighter
};

class ParallelCoordinates : public QWidget {
  Q_OBJECT

 public:
  explicit ParallelCoordinates(QWidget* parent = nullptr);

  // The last axis is the metric the lines are coloured by.
  void set_data(std::vector<ParallelAxis> axes, std::vector<ParallelLine> lines,
                bool lower_is_better);
  void set_highlighted(const QStringList& names);  // drawn on top, thicker

  const std::vector<ParallelAxis>& axes() const { return axes_; }
  const std::vector<ParallelLine>& lines() const { return lines_; }
  // Where `value` sits on axis `axis`: 0 at the bottom, 1 at the top (log axes by decades);
  // nothing when the axis has no range (no value, or the value is not positive on a log axis).
  std::optional<double> position(size_t axis, double value) const;
  // The line's colour fraction: 1 for the best metric, 0 for the worst.
  std::optional<double> quality(const ParallelLine& line) const;

  QSize sizeHint() const override { return {420, 260}; }
  QSize minimumSizeHint() const override { return {200, 140}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  struct Range {
    bool valid = false;
    double low = 0.0, high = 0.0;  // log10 of the values on a log axis
  };
  void fit_ranges();
  QString tick_text(size_t axis, double value) const;

  std::vector<ParallelAxis> axes_;
  std::vector<ParallelLine> lines_;
  std::vector<Range> ranges_;
  QStringList highlighted_;
  bool lower_is_better_ = true;
};

}  // namespace nw::gui
