#pragma once
// The breadcrumb bar above the canvas while a block's body is open: "Project > BasicBlock",
// each item a button that goes back up to that level, and which use the shapes shown come from.
// Hidden at the project's own graph.
#include <QWidget>

#include <QStringList>

class QHBoxLayout;
class QLabel;

namespace nw::gui {

class ProjectDocument;

class ScopeBar : public QWidget {
  Q_OBJECT

 public:
  explicit ScopeBar(ProjectDocument* doc, QWidget* parent = nullptr);

  // The items as shown, "Project", "BasicBlock", ...: for tests and screen readers.
  QStringList crumbs() const;
  QString source_text() const;  // "shapes of use 'layer1.0'"

 public slots:
  void refresh();

 private:
  ProjectDocument* doc_;
  QHBoxLayout* crumbs_;
  QLabel* source_;
  QStringList shown_;  // the scope the crumbs are for
};

}  // namespace nw::gui
