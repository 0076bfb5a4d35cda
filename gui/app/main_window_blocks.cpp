// Edit > Group Into Block (Ctrl+G) and Ungroup (Ctrl+Shift+G): the editor's selection made into a
// block, and a use made into its layers again. The document does the edit as one undo step; the
// window asks for the name, keeps the actions enabled only when they can succeed, and reports a
// refusal in the Messages dock with the core's reason.
#include <QAction>
#include <QMenu>
#include <QStatusBar>
#include <QUndoStack>

#include "app/main_window.h"
#include "app/messages_panel.h"
#include "document/project_document.h"
#include "editor/graph_editor.h"
#include "graph/block.h"

namespace nw::gui {

namespace {

QStringList selected_uses(const ProjectDocument& doc, const QStringList& ids) {
  QStringList uses;
  for (const QString& id : ids)
    if (const graph::Node* n = doc.graph().find(id.toStdString());
        n && graph::is_block_type(n->type))
      uses << id;
  return uses;
}

}  // namespace

void MainWindow::make_block_actions(QMenu* edit_menu) {
  QAction* group = make_action("groupIntoBlock", tr("&Group Into Block..."), {},
                               QKeySequence(Qt::CTRL | Qt::Key_G));
  connect(group, &QAction::triggered, this, &MainWindow::group_into_block);
  QAction* ungroup =
      make_action("ungroup", tr("U&ngroup"), {}, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G));
  connect(ungroup, &QAction::triggered, this, &MainWindow::ungroup_block);
  edit_menu->addActions({group, ungroup});
  connect(editor_, &GraphEditor::selectionChanged, this, &MainWindow::update_block_actions);
  connect(document_, &ProjectDocument::analysisChanged, this, &MainWindow::update_block_actions);
  update_block_actions();
}

void MainWindow::update_block_actions() {
  QAction* group = action("groupIntoBlock");
  QAction* ungroup = action("ungroup");
  if (!group || !ungroup) return;
  const QStringList ids = editor_->selected_nodes();
  QString why;
  const bool can = !ids.isEmpty() && document_->can_group(ids, &why);
  group->setEnabled(can);
  group->setStatusTip(can || ids.isEmpty() ? tr("Make the selected nodes one block") : why);
  ungroup->setEnabled(!selected_uses(*document_, ids).isEmpty());
}

void MainWindow::group_into_block() {
  const QStringList ids = editor_->selected_nodes();
  QString why;
  const auto refuse = [this](const QString& reason) {
    const QString text = tr("Group Into Block: %1").arg(reason);
    messages_->add_log(MessagesPanel::Level::Error, text);
    statusBar()->showMessage(text, 10000);
  };
  if (!document_->can_group(ids, &why)) return refuse(why);
  const auto problem = [this](const QString& name) -> QString {
    if (auto bad = graph::check_block_name(name.toStdString())) return QString::fromStdString(*bad);
    if (document_->graph().find_block(name.toStdString()))
      return tr("a block named '%1' exists already; pick another name").arg(name);
    return {};
  };
  const QString name = hooks_.ask_block_name(this, document_->free_block_name(), problem);
  if (name.isEmpty()) return;  // cancelled
  const QString use = document_->group_into_block(ids, name, &why);
  if (use.isEmpty()) return refuse(why);
  editor_->select_node(use);
  log(tr("Grouped %n node(s) into block '%1' (the use '%2')", nullptr, int(ids.size()))
          .arg(name, use));
}

void MainWindow::ungroup_block() {
  const QStringList uses = selected_uses(*document_, editor_->selected_nodes());
  if (uses.isEmpty()) return;
  QUndoStack* undo = document_->undo_stack();
  if (uses.size() > 1) undo->beginMacro(tr("Ungroup %n blocks", nullptr, int(uses.size())));
  for (const QString& use : uses) {
    QString why;
    if (!document_->ungroup(use, &why)) {
      const QString text = tr("Ungroup %1: %2").arg(use, why);
      messages_->add_log(MessagesPanel::Level::Error, text);
      statusBar()->showMessage(text, 10000);
    }
  }
  if (uses.size() > 1) undo->endMacro();
}

}  // namespace nw::gui
