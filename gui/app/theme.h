#pragma once
// Light and dark palettes on the Fusion style, which draws every widget from the palette (the
// platform styles ignore much of it). The choice is kept in QSettings ("theme").
#include <QPalette>
#include <QString>

namespace nw::gui {

enum class Theme { Light, Dark };

QPalette palette_for(Theme theme);
// Sets Fusion and the palette on the whole application and remembers the choice.
void apply_theme(Theme theme);
Theme saved_theme();             // Light when nothing is saved
QString to_string(Theme theme);  // "light", "dark"

}  // namespace nw::gui
