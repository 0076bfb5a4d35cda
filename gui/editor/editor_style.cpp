#include "editor/editor_style.h"

#include <QFontMetricsF>
#include <QGuiApplication>

#include <map>

namespace nw::gui::style {

Colors colors(const QPalette& palette) {
  const bool dark = palette.color(QPalette::Window).lightness() < 128;
  if (dark)
    return {
        .canvas = QColor(0x1f, 0x22, 0x27),
        .grid_minor = QColor(0x27, 0x2b, 0x31),
        .grid_major = QColor(0x31, 0x36, 0x3d),
        .node_fill = QColor(0x2d, 0x32, 0x3a),
        .node_border = QColor(0x4a, 0x52, 0x5e),
        .frozen_fill = QColor(0x26, 0x29, 0x2e),
        .text = QColor(0xe6, 0xe8, 0xeb),
        .text_dim = QColor(0x9a, 0xa3, 0xae),
        .shape_text = QColor(0x7f, 0xc4, 0xff),
        .selection = QColor(0x4d, 0xa3, 0xff),
        .error = QColor(0xff, 0x5c, 0x5c),
        .warning = QColor(0xf0, 0xb4, 0x29),
        .edge = QColor(0x8a, 0x94, 0xa2),
        .accept = QColor(0x3c, 0xc7, 0x6e),
        .refuse = QColor(0xff, 0x5c, 0x5c),
        .port_fill = QColor(0x1f, 0x22, 0x27),
        .block_fill = QColor(0x2b, 0x34, 0x44),
        .block_border = QColor(0x6f, 0x8f, 0xc8),
        .block_shadow = QColor(0x3a, 0x45, 0x57),
    };
  return {
      .canvas = QColor(0xf6, 0xf7, 0xf9),
      .grid_minor = QColor(0xec, 0xee, 0xf1),
      .grid_major = QColor(0xdd, 0xe0, 0xe5),
      .node_fill = QColor(0xff, 0xff, 0xff),
      .node_border = QColor(0xb4, 0xbb, 0xc5),
      .frozen_fill = QColor(0xee, 0xef, 0xf1),
      .text = QColor(0x1e, 0x23, 0x2b),
      .text_dim = QColor(0x6b, 0x74, 0x80),
      .shape_text = QColor(0x1d, 0x5f, 0xb8),
      .selection = QColor(0x2b, 0x7b, 0xe4),
      .error = QColor(0xd9, 0x30, 0x30),
      .warning = QColor(0xd9, 0x8e, 0x04),
      .edge = QColor(0x7d, 0x86, 0x93),
      .accept = QColor(0x1f, 0xa8, 0x55),
      .refuse = QColor(0xd9, 0x30, 0x30),
      .port_fill = QColor(0xff, 0xff, 0xff),
      .block_fill = QColor(0xee, 0xf3, 0xfb),
      .block_border = QColor(0x4a, 0x6f, 0xb0),
      .block_shadow = QColor(0xd5, 0xdf, 0xef),
  };
}

QColor category_color(const std::string& category) {
  static const std::map<std::string, QColor> colors = {
      {"Input", QColor(0x16, 0xa0, 0x85)},         {"Linear", QColor(0x2e, 0x86, 0xde)},
      {"Convolution", QColor(0x8e, 0x44, 0xad)},   {"Pooling", QColor(0x5b, 0x5f, 0xc7)},
      {"Normalization", QColor(0x27, 0xae, 0x60)}, {"Recurrent", QColor(0xe6, 0x7e, 0x22)},
      {"Activation", QColor(0xf1, 0xc4, 0x0f)},    {"Regularization", QColor(0x95, 0xa5, 0xa6)},
      {"Shape", QColor(0x7f, 0x8c, 0x8d)},         {"Merge", QColor(0xe8, 0x43, 0x93)},
      {"Block", QColor(0x34, 0x49, 0x7a)},
  };
  auto it = colors.find(category);
  return it == colors.end() ? QColor(0x95, 0xa5, 0xa6) : it->second;
}

namespace {
// The application's font, scaled so that one line is `line` scene units tall: text then fits the
// node's rows whatever the screen's logical DPI (a point is more scene units on a 144-DPI X11
// screen than on a 96-DPI one).
QFont sized(double line, bool bold = false) {
  QFont f = QGuiApplication::font();
  f.setBold(bold);
  if (f.pointSizeF() <= 0) f.setPointSizeF(9);
  const double height = QFontMetricsF(f).height();
  if (height > 0) f.setPointSizeF(f.pointSizeF() * line / height);
  return f;
}
}  // namespace

QFont title_font() {
  return sized(15, true);
}

QFont body_font() {
  return sized(14);
}

QFont small_font() {
  return sized(13);
}

}  // namespace nw::gui::style
