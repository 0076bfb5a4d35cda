#pragma once
// Everything the main window asks the user, behind std::function members, so a test answers the
// file dialogs and the questions programmatically instead of blocking in a modal dialog. The
// defaults show the real dialogs.
#include <QString>
#include <QVector>

#include <cstdint>
#include <functional>

class QWidget;

namespace nw::gui {

struct FileDialogs {
  // Each returns the chosen path, or an empty string when the user cancelled.
  // filter: "Netwright projects (*.nwproj)"
  using Ask = std::function<QString(QWidget* parent, const QString& caption, const QString& dir,
                                    const QString& filter)>;
  Ask open;
  Ask save;
  static FileDialogs native();  // QFileDialog
};

enum class UnsavedAnswer { Save, Discard, Cancel };

struct Questions {
  // "<name> has unsaved changes": save them, throw them away, or cancel what was going on.
  std::function<UnsavedAnswer(QWidget* parent, const QString& name)> unsaved_changes;
  // A recovery file from a session that did not end cleanly: true restores it.
  std::function<bool(QWidget* parent, const QString& details)> restore_recovery;
  // An operation failed; `text` says what and why (shown, never thrown).
  std::function<void(QWidget* parent, const QString& title, const QString& text)> error;
  static Questions interactive();  // QMessageBox
};

// One checkpoint File > Export Checkpoint offers: a file of a run on disk, or the weights the
// window holds in memory (`path` empty).
struct CheckpointChoice {
  QString run;    // the run's folder name, "20261207-041106"; empty for the weights in memory
  QString which;  // "best", "epoch 3", "epoch 3, batch 120", "weights in memory"
  QString path;   // the checkpoint file; empty for the weights in memory
};
// Returns the chosen index into `choices`, or -1 when the user cancelled; `preselected` is the
// default (the latest run's best).
using ChooseCheckpoint =
    std::function<int(QWidget* parent, const QVector<CheckpointChoice>& choices, int preselected)>;
ChooseCheckpoint checkpoint_chooser();  // CheckpointChooser, the real dialog

// Edit > Group Into Block's question: the new block's name, `proposed` filled in. `problem`
// says what is wrong with a name (empty when it is usable). Returns the name, or an empty string
// when the user cancelled.
using AskBlockName = std::function<QString(QWidget* parent, const QString& proposed,
                                           const std::function<QString(const QString&)>& problem)>;
AskBlockName block_name_dialog();  // BlockNameDialog, the real dialog

struct WindowHooks {
  FileDialogs files = FileDialogs::native();
  Questions questions = Questions::interactive();
  ChooseCheckpoint choose_checkpoint = checkpoint_chooser();
  AskBlockName ask_block_name = block_name_dialog();
  // false: a recovery file found at start is neither offered nor removed (--no-restore).
  bool offer_recovery = true;
  // false: the default window layout instead of the saved geometry and docks (screenshots).
  bool restore_layout = true;
  // How often unsaved work is copied to the recovery file. A minute loses little work yet keeps
  // the disk quiet; a test that kills the process shortens it to see autosaves within seconds.
  int autosave_ms = 60'000;
  // > 0: every run uses only the first `sample_limit` samples of each split, as the CLI's
  // --limit does (quick trials, tests that click Train on a full-size project).
  int64_t sample_limit = 0;
};

}  // namespace nw::gui
