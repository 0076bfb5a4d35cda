#pragma once
// The inspector dock's content: the node inspector while exactly one node is selected, the
// project inspector otherwise (nothing selected, or several nodes). Each scrolls on its own,
// so switching keeps each one's scroll position.
#include <QStackedWidget>
#include <QStringList>

#include "document/project_document.h"

namespace nw::gui {

class NodeInspector;
class ProjectInspector;

class InspectorWidget : public QStackedWidget {
  Q_OBJECT

 public:
  explicit InspectorWidget(ProjectDocument* document, QWidget* parent = nullptr);

  NodeInspector* node_inspector() const { return node_; }
  ProjectInspector* project_inspector() const { return project_; }
  bool showing_node() const;

 public slots:
  // The editor's selection: node ids.
  void set_selection(const QStringList& ids);

 private:
  ProjectDocument* document_;
  NodeInspector* node_;
  ProjectInspector* project_;
  QWidget* node_page_;
  QWidget* project_page_;
};

}  // namespace nw::gui
