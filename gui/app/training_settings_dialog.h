#pragma once
// Train > Settings...: the project's training settings in the same form as the Inspector's
// project page (TrainingEditor: the same fields, words and number formats), on a copy. Each
// edit is checked with the loader's rules as the Inspector does; OK hands the copy back.
#include <QDialog>

#include "io/config.h"

namespace nw::gui {

class TrainingEditor;

class TrainingSettingsDialog : public QDialog {
  Q_OBJECT

 public:
  explicit TrainingSettingsDialog(const io::TrainingConfig& config, QWidget* parent = nullptr);
  // The configuration passed in, with the dialog's edits applied.
  io::TrainingConfig config() const { return config_; }
  TrainingEditor* editor() const { return editor_; }

 private:
  void propose(const io::TrainingConfig& next);

  io::TrainingConfig config_;
  TrainingEditor* editor_;
};

}  // namespace nw::gui
