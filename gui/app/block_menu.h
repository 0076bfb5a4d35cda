#pragma once
// The Blocks menu and the block library (core/io/block_library.h) in the window. The library is
// the built-in blocks and the user's .nwblock files in QStandardPaths::AppDataLocation + "/blocks"
// (on Linux the folder io::default_block_dir() names, which netwright-cli blocks lists). The
// palette's "Blocks" category lists it with the project's blocks; a library block dropped on the
// canvas (or double-clicked) brings its definitions into the project with the use, as one undo
// step. Failures go to the Messages dock.
#include <QObject>
#include <QPointF>

#include <memory>

#include "app/window_hooks.h"

class QMenuBar;

namespace nw::io {
class BlockLibrary;
}

namespace nw::gui {

class GraphEditor;
class MessagesPanel;
class PaletteWidget;
class ProjectDocument;

class BlockMenu : public QObject {
  Q_OBJECT

 public:
  // Adds the "Blocks" menu to `bar`, its actions as children of `window` (saveBlockToLibrary,
  // exportBlock, importBlock), and fills the palette's "Blocks" category.
  BlockMenu(QWidget* window, QMenuBar* bar, FileDialogs files, ProjectDocument* doc,
            GraphEditor* editor, PaletteWidget* palette, MessagesPanel* messages);
  ~BlockMenu() override;

  const io::BlockLibrary& library() const { return *library_; }

  void save_to_library();  // the selected use's block
  void export_block();     // the selected use's block, to a file the save dialog names
  void import_block();     // a file the open dialog names, into the library

 private:
  void refresh_palette();
  // A library block dropped on the canvas (or double-clicked: at the view's centre).
  void add_block(const QString& block_file, QPointF scene_pos);
  QString selected_block(const QString& action);  // the selected use's block; logs why not
  QString start_folder() const;
  void log(const QString& text);
  void log_error(const QString& text);

  QWidget* window_;
  FileDialogs files_;
  ProjectDocument* doc_;
  GraphEditor* editor_;
  PaletteWidget* palette_;
  MessagesPanel* messages_;
  std::unique_ptr<io::BlockLibrary> library_;
};

}  // namespace nw::gui
