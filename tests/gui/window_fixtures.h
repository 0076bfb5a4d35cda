#pragma once
// What the window tests share: hooks that answer every question without a modal dialog, and the
// Messages dock read back as text.
#include <QString>

#include <cstdio>

#include "app/messages_panel.h"
#include "app/window_hooks.h"

namespace nw::gui::testing {

// The default layout, no recovery offer, unsaved changes discarded.
inline WindowHooks quiet_hooks() {
  WindowHooks h;
  h.restore_layout = false;
  h.offer_recovery = false;
  h.questions.unsaved_changes = [](QWidget*, const QString&) { return UnsavedAnswer::Discard; };
  return h;
}

// quiet_hooks(), and an error shown ends the test: none is expected.
inline WindowHooks strict_hooks() {
  WindowHooks h = quiet_hooks();
  h.questions.error = [](QWidget*, const QString&, const QString& text) {
    qFatal("error shown: %s", qPrintable(text));
  };
  return h;
}

// Every cell of the Messages dock, a row per line.
inline QString messages_text(MessagesPanel* panel) {
  QString all;
  for (int i = 0; i < panel->topLevelItemCount(); ++i)
    for (int c = 0; c < panel->columnCount(); ++c) all += panel->topLevelItem(i)->text(c) + "\n";
  return all;
}

}  // namespace nw::gui::testing
