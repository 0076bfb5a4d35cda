// MainWindow: the Blocks menu and the block library (core/io/block_library.h). The library is the
// built-in blocks and the user's .nwblock files in QStandardPaths::AppDataLocation + "/blocks";
// the palette's "Blocks" category lists it with the project's blocks, and a library block
// dropped on the canvas brings its definitions into the project with the use, as one undo step.
// Failures go to the Messages dock.
#include <QDir>
#include <QMenuBar>
#include <QStandardPaths>

#include "app/main_window.h"
#include "app/messages_panel.h"
#include "document/project_document.h"
#include "editor/graph_editor.h"
#include "editor/graph_view.h"
#include "editor/palette_model.h"
#include "editor/palette_widget.h"
#include "graph/block.h"
#include "io/block_library.h"

namespace nw::gui {

namespace {

constexpr char kBlockFilter[] = "Netwright blocks (*.nwblock)";

QString what(const std::exception& e) {
  return QString::fromUtf8(e.what());
}

}  // namespace

void MainWindow::make_block_menu() {
  // NOTE: on Linux this is default_block_dir(), the folder netwright-cli blocks lists.
  const QString dir =
      QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/blocks");
  blocks_ = std::make_shared<io::BlockLibrary>(QDir::cleanPath(dir).toStdString());
  for (const std::string& problem : blocks_->problems()) log_error(QString::fromStdString(problem));

  QMenu* menu = menuBar()->addMenu(tr("&Blocks"));
  QAction* a = make_action("saveBlockToLibrary", tr("&Save Block to Library"));
  a->setStatusTip(tr("Keep the selected block's definition in your library, for every project"));
  connect(a, &QAction::triggered, this, &MainWindow::save_block_to_library);
  menu->addAction(a);
  a = make_action("exportBlock", tr("&Export Block..."));
  a->setStatusTip(tr("Write the selected block's definition to a .nwblock file to share"));
  connect(a, &QAction::triggered, this, &MainWindow::export_block);
  menu->addAction(a);
  a = make_action("importBlock", tr("&Import Block..."));
  a->setStatusTip(tr("Add a .nwblock file to your library"));
  connect(a, &QAction::triggered, this, &MainWindow::import_block);
  menu->addAction(a);

  connect(editor_->view(), &GraphView::blockDropped, this, &MainWindow::add_library_block);
  connect(palette_, &PaletteWidget::blockRequested, this, [this](const QString& file) {
    add_library_block(file,
                      editor_->view()->mapToScene(editor_->view()->viewport()->rect().center()));
  });
  // Definitions change only with a Reset (graph/graph.h): open, undo, redo, a block added.
  connect(document_, &ProjectDocument::graphChanged, this, [this](const graph::GraphChange& c) {
    if (c.kind == graph::GraphChange::Kind::Reset) refresh_palette_blocks();
  });
  refresh_palette_blocks();
}

void MainWindow::refresh_palette_blocks() {
  palette_->model()->set_blocks(document_->graph(), *blocks_);
  palette_->tree()->expandAll();
}

void MainWindow::add_library_block(const QString& block_file, QPointF scene_pos) {
  try {
    const io::BlockFile block = io::parse_block_file(block_file.toStdString(), "<dropped block>");
    QString why;
    const QString id =
        document_->add_block_use(block.graph, QString::fromStdString(block.name), scene_pos, &why);
    if (id.isEmpty())
      log_error(tr("Cannot add block %1: %2").arg(QString::fromStdString(block.name), why));
    else
      editor_->select_node(id);
  } catch (const std::exception& e) {
    log_error(tr("Cannot add the dropped block: %1").arg(what(e)));
  }
}

QString MainWindow::selected_block(const QString& action) {
  const QStringList ids = editor_->selected_nodes();
  const graph::Node* node =
      ids.size() == 1 ? document_->graph().find(ids.front().toStdString()) : nullptr;
  if (!node || !graph::is_block_type(node->type)) {
    log_error(tr("%1: select one block use first (a node whose type is Block:<name>)").arg(action));
    return {};
  }
  return QString::fromStdString(graph::block_name(node->type));
}

void MainWindow::save_block_to_library() {
  const QString name = selected_block(tr("Save Block to Library"));
  if (name.isEmpty()) return;
  try {
    const auto path = blocks_->save(document_->graph(), name.toStdString());
    log(tr("Saved block %1 to the library: %2").arg(name, QString::fromStdString(path.string())));
  } catch (const std::exception& e) {
    log_error(tr("Cannot save block %1 to the library: %2").arg(name, what(e)));
  }
  refresh_palette_blocks();
}

void MainWindow::export_block() {
  const QString name = selected_block(tr("Export Block"));
  if (name.isEmpty()) return;
  const QString start =
      QDir(export_folder()).filePath(name + QString::fromLatin1(io::kBlockFileExtension));
  const QString path = hooks_.files.save(this, tr("Export Block"), start, tr(kBlockFilter));
  if (path.isEmpty()) return;
  try {
    io::save_block_file(document_->graph(), name.toStdString(), path.toStdString());
    log(tr("Exported block %1 to %2").arg(name, path));
  } catch (const std::exception& e) {
    log_error(tr("Cannot export block %1: %2").arg(name, what(e)));
  }
}

void MainWindow::import_block() {
  const QString path =
      hooks_.files.open(this, tr("Import Block"), export_folder(), tr(kBlockFilter));
  if (path.isEmpty()) return;
  try {
    const io::BlockFile block = io::load_block_file(path.toStdString());
    const auto saved = blocks_->save(block.graph, block.name);
    log(tr("Imported block %1 into the library: %2")
            .arg(QString::fromStdString(block.name), QString::fromStdString(saved.string())));
  } catch (const std::exception& e) {
    log_error(tr("Cannot import block %1: %2").arg(path, what(e)));
  }
  refresh_palette_blocks();
}

void MainWindow::log_error(const QString& text) {
  messages_->add_log(MessagesPanel::Level::Error, text);
}

}  // namespace nw::gui
