#include "app/theme.h"

#include <QApplication>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace nw::gui {
namespace {

QPalette dark_palette() {
  const QColor window(45, 47, 51), base(30, 31, 34), text(222, 224, 228);
  const QColor disabled(128, 131, 137), highlight(61, 126, 196);
  QPalette p;
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, window);
  p.setColor(QPalette::ToolTipBase, base);
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::PlaceholderText, disabled);
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, window);
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::BrightText, QColor(255, 96, 96));
  p.setColor(QPalette::Link, QColor(110, 168, 235));
  p.setColor(QPalette::Highlight, highlight);
  p.setColor(QPalette::HighlightedText, Qt::white);
  // Fusion derives bevels from these; the light defaults would draw glowing edges.
  p.setColor(QPalette::Light, window.lighter(130));
  p.setColor(QPalette::Midlight, window.lighter(115));
  p.setColor(QPalette::Mid, window.darker(120));
  p.setColor(QPalette::Dark, window.darker(160));
  p.setColor(QPalette::Shadow, Qt::black);
  for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
    p.setColor(QPalette::Disabled, role, disabled);
  p.setColor(QPalette::Disabled, QPalette::Highlight, window.lighter(140));
  return p;
}

}  // namespace

QPalette palette_for(Theme theme) {
  if (theme == Theme::Dark) return dark_palette();
  QStyle* fusion = QStyleFactory::create("Fusion");
  QPalette p = fusion->standardPalette();
  delete fusion;
  return p;
}

void apply_theme(Theme theme) {
  if (QApplication::style()->name().compare("fusion", Qt::CaseInsensitive) != 0)
    QApplication::setStyle(QStyleFactory::create("Fusion"));
  QApplication::setPalette(palette_for(theme));
  QSettings().setValue("theme", to_string(theme));
}

Theme saved_theme() {
  return QSettings().value("theme").toString() == "dark" ? Theme::Dark : Theme::Light;
}

QString to_string(Theme theme) {
  return theme == Theme::Dark ? "dark" : "light";
}

}  // namespace nw::gui
