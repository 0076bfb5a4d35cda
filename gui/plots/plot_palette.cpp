#include "plots/plot_palette.h"

#include <qcustomplot.h>

namespace nw::gui {

void apply_plot_palette(QCustomPlot* plot, const QPalette& palette) {
  const QColor base = palette.color(QPalette::Base);
  const QColor text = palette.color(QPalette::Text);
  QColor grid = text;
  grid.setAlpha(45);
  QColor subgrid = text;
  subgrid.setAlpha(20);
  plot->setBackground(base);
  for (QCPAxisRect* rect : plot->axisRects()) {
    rect->setBackground(base);
    for (QCPAxis* axis : rect->axes()) {
      axis->setBasePen(QPen(text, 1));
      axis->setTickPen(QPen(text, 1));
      axis->setSubTickPen(QPen(text, 1));
      axis->setTickLabelColor(text);
      axis->setLabelColor(text);
      axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
      axis->grid()->setSubGridPen(QPen(subgrid, 1, Qt::DotLine));
      axis->grid()->setZeroLinePen(Qt::NoPen);
    }
  }
  plot->legend->setTextColor(text);
  plot->legend->setBrush(Qt::NoBrush);
}

}  // namespace nw::gui
