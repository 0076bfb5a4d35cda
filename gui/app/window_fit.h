#pragma once
// Keeps a top-level window, frame included, on its screen's available area (the screen less
// panels and docks). At QT_SCALE_FACTOR=1.5 the default 1400x900 once opened as 2100x1350 device
// pixels on a 1600x1000 screen, with the docks off screen; a geometry saved on a larger screen
// restores as large.
#include <QSize>

class QWidget;

namespace nw::gui {

// A first start gets the screen's available area, up to this: below the Training dock's plots
// the editor then has room for the whole MLP at a readable zoom on a 1600x1000 screen.
inline constexpr QSize kLargestFirstSize(1600, 1000);

// The size of a first start on `window`'s screen, frame left out.
QSize first_start_size(const QWidget* window);

// Shrinks `window` to fit (never grows it) and moves it inside; `centre` also centres it (a first
// start). Before the window is shown its frame is not known yet: the style's title bar height and
// a thin border stand in for it, and it is fitted again once shown.
void fit_to_screen(QWidget* window, bool centre);

}  // namespace nw::gui
