#include "app/block_menu.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QMenuBar>
#include <QStandardPaths>
#include <QTreeView>

#include "app/messages_panel.h"
#include "document/library_blocks.h"
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

BlockMenu::BlockMenu(QWidget* window, QMenuBar* bar, FileDialogs files, ProjectDocument* doc,
                     GraphEditor* editor, PaletteWidget* palette, MessagesPanel* messages)
    : QObject(window),
      window_(window),
      files_(std::move(files)),
      doc_(doc),
      editor_(editor),
      palette_(palette),
      messages_(messages) {
  const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
  library_ = std::make_unique<io::BlockLibrary>(
      dir.isEmpty() ? std::filesystem::path()
                    : std::filesystem::path(QDir(dir).filePath("blocks").toStdString()));
  for (const std::string& problem : library_->problems())
    log_error(QString::fromStdString(problem));

  QMenu* menu = bar->addMenu(tr("&Blocks"));
  auto add = [&](const char* name, const QString& text, const QString& tip,
                 void (BlockMenu::*slot)()) {
    auto* a = new QAction(text, window);
    a->setObjectName(name);
    a->setStatusTip(tip);
    connect(a, &QAction::triggered, this, slot);
    menu->addAction(a);
  };
  add("saveBlockToLibrary", tr("&Save Block to Library"),
      tr("Keep the selected block's definition in your library, for every project"),
      &BlockMenu::save_to_library);
  add("exportBlock", tr("&Export Block..."),
      tr("Write the selected block's definition to a .nwblock file to share"),
      &BlockMenu::export_block);
  add("importBlock", tr("&Import Block..."), tr("Add a .nwblock file to your library"),
      &BlockMenu::import_block);

  connect(editor_->view(), &GraphView::blockDropped, this, &BlockMenu::add_block);
  connect(palette_, &PaletteWidget::blockRequested, this, [this](const QString& file) {
    const QWidget* viewport = editor_->view()->viewport();
    add_block(file, editor_->view()->mapToScene(viewport->rect().center()));
  });
  // Definitions change only with a Reset (graph/graph.h): open, new, undo, redo, a block added.
  connect(doc_, &ProjectDocument::graphChanged, this, [this](const graph::GraphChange& c) {
    if (c.kind == graph::GraphChange::Kind::Reset) refresh_palette();
  });
  refresh_palette();
}

BlockMenu::~BlockMenu() = default;

void BlockMenu::refresh_palette() {
  palette_->model()->set_blocks(doc_->graph(), *library_);
  palette_->tree()->expandAll();
}

void BlockMenu::add_block(const QString& block_file, QPointF scene_pos) {
  try {
    const io::BlockFile block = io::parse_block_file(block_file.toStdString(), "<dropped block>");
    QString why;
    const QString name = QString::fromStdString(block.name);
    const QString id = add_block_use(*doc_, block.graph, name, scene_pos, &why);
    if (id.isEmpty())
      log_error(tr("Cannot add block %1: %2").arg(name, why));
    else
      editor_->select_node(id);
  } catch (const std::exception& e) {
    log_error(tr("Cannot add the dropped block: %1").arg(what(e)));
  }
}

QString BlockMenu::selected_block(const QString& action) {
  const QStringList ids = editor_->selected_nodes();
  const graph::Node* node =
      ids.size() == 1 ? doc_->graph().find(ids.front().toStdString()) : nullptr;
  if (!node || !graph::is_block_type(node->type)) {
    log_error(tr("%1: select one block use first (a node of type Block:<name>)").arg(action));
    return {};
  }
  return QString::fromStdString(graph::block_name(node->type));
}

QString BlockMenu::start_folder() const {
  return doc_->path().isEmpty() ? QDir::homePath() : QFileInfo(doc_->path()).absolutePath();
}

void BlockMenu::save_to_library() {
  const QString name = selected_block(tr("Save Block to Library"));
  if (name.isEmpty()) return;
  try {
    const auto path = library_->save(doc_->graph(), name.toStdString());
    log(tr("Saved block %1 to the library: %2").arg(name, QString::fromStdString(path.string())));
  } catch (const std::exception& e) {
    log_error(tr("Cannot save block %1 to the library: %2").arg(name, what(e)));
  }
  refresh_palette();
}

void BlockMenu::export_block() {
  const QString name = selected_block(tr("Export Block"));
  if (name.isEmpty()) return;
  const QString start =
      QDir(start_folder()).filePath(name + QString::fromLatin1(io::kBlockFileExtension));
  const QString path = files_.save(window_, tr("Export Block"), start, tr(kBlockFilter));
  if (path.isEmpty()) return;
  try {
    io::save_block_file(doc_->graph(), name.toStdString(), path.toStdString());
    log(tr("Exported block %1 to %2").arg(name, path));
  } catch (const std::exception& e) {
    log_error(tr("Cannot export block %1: %2").arg(name, what(e)));
  }
}

void BlockMenu::import_block() {
  const QString path = files_.open(window_, tr("Import Block"), start_folder(), tr(kBlockFilter));
  if (path.isEmpty()) return;
  try {
    const io::BlockFile block = io::load_block_file(path.toStdString());
    const auto saved = library_->save(block.graph, block.name);
    log(tr("Imported block %1 into the library: %2")
            .arg(QString::fromStdString(block.name), QString::fromStdString(saved.string())));
  } catch (const std::exception& e) {
    log_error(tr("Cannot import block %1: %2").arg(path, what(e)));
  }
  refresh_palette();
}

void BlockMenu::log(const QString& text) {
  messages_->add_log(MessagesPanel::Level::Info, text);
}

void BlockMenu::log_error(const QString& text) {
  messages_->add_log(MessagesPanel::Level::Error, text);
}

}  // namespace nw::gui
