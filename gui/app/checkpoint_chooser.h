#pragma once
// File > Export Checkpoint's question: which run, and which of its checkpoints (best, last or
// any numbered one). Two lists: the runs, newest first, and the chosen run's checkpoints.
#include <QDialog>

#include "app/window_hooks.h"

class QComboBox;

namespace nw::gui {

class CheckpointChooser : public QDialog {
  Q_OBJECT

 public:
  CheckpointChooser(QVector<CheckpointChoice> choices, int preselected, QWidget* parent = nullptr);

  int chosen() const;  // index into the choices

 private:
  void fill_checkpoints(int preselected);

  QVector<CheckpointChoice> choices_;
  QComboBox* run_;
  QComboBox* checkpoint_;
};

}  // namespace nw::gui
