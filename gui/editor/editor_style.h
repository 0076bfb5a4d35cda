#pragma once
// The node editor's look in one place: sizes in scene units (logical, so high-DPI screens and
// zoom scale them; nothing assumes device pixels), fonts in points, and colours for the light and
// dark palettes.
#include <QColor>
#include <QFont>
#include <QPalette>

#include <string>

namespace nw::gui::style {

constexpr double kNodeWidth = 200;
constexpr double kNodeHeight = 56;
constexpr double kNodeRadius = 6;
constexpr double kStripeWidth = 5;  // the category colour along the node's left side
constexpr double kPortRadius = 5;
constexpr double kPortReach = 9;  // the port's grab area, a little larger than its dot
constexpr double kGridStep = 20;  // minor grid lines; every fifth one is a major line

struct Colors {
  QColor canvas, grid_minor, grid_major;
  QColor node_fill, node_border, frozen_fill, text, text_dim, shape_text;
  QColor selection, error, warning, edge, accept, refuse, port_fill;
  // A block use: a tinted card with a second card behind it, so that it reads as a group of
  // layers, not as one layer.
  QColor block_fill, block_border, block_shadow;
};
// Light or dark by the palette's window colour (the app's theme sets the palette).
Colors colors(const QPalette& palette);

// A distinct colour per registry category ("Convolution", "Activation", ...); "Block" for the
// uses of blocks.
QColor category_color(const std::string& category);

QFont title_font();  // the layer type
QFont body_font();   // parameters
QFont small_font();  // id, shapes, counts

}  // namespace nw::gui::style
