#pragma once
// QCustomPlot draws with its own colours (white background, black axes) whatever the widget's
// palette; this gives a plot the application's light or dark palette: background, axes, ticks,
// labels, grid and legend. Call it at construction and on QEvent::PaletteChange. Items (text
// labels) keep their colours: the owner knows what they are drawn over.
#include <QPalette>

class QCustomPlot;

namespace nw::gui {

void apply_plot_palette(QCustomPlot* plot, const QPalette& palette);

}  // namespace nw::gui
