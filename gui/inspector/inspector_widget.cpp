#include "inspector/inspector_widget.h"

#include <QScrollArea>
#include <QStyle>

#include "inspector/node_inspector.h"
#include "inspector/project_inspector.h"
#include "inspector/wheel_guard.h"

namespace nw::gui {

namespace {
QScrollArea* scrolling(QWidget* content, QWidget* parent) {
  auto* area = new QScrollArea(parent);
  area->setWidgetResizable(true);
  area->setFrameShape(QFrame::NoFrame);
  // Forms wrap to the dock's width; a dock narrower than the narrowest form scrolls sideways
  // rather than cutting the fields off.
  area->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
  // The style's own margins: right for the platform, and in device-independent pixels.
  const int margin = area->style()->pixelMetric(QStyle::PM_LayoutLeftMargin);
  content->setContentsMargins(margin, margin, margin, margin);
  area->setWidget(content);
  return area;
}
}  // namespace

InspectorWidget::InspectorWidget(ProjectDocument* document, QWidget* parent)
    : QStackedWidget(parent),
      document_(document),
      node_(new NodeInspector(document)),
      project_(new ProjectInspector(document)) {
  setObjectName(QStringLiteral("inspector"));
  project_page_ = scrolling(project_, this);
  node_page_ = scrolling(node_, this);
  addWidget(project_page_);
  addWidget(node_page_);
  setCurrentWidget(project_page_);
  protect_from_wheel(this);
  // A node deleted (or gone with an undo) while shown: back to the project.
  connect(node_, &NodeInspector::nodeLost, this, [this] { setCurrentWidget(project_page_); });
}

bool InspectorWidget::showing_node() const {
  return currentWidget() == node_page_;
}

void InspectorWidget::set_selection(const QStringList& ids) {
  if (ids.size() == 1 && document_->graph().find(ids.front().toStdString())) {
    node_->set_node(ids.front());
    setCurrentWidget(node_page_);
  } else {
    node_->set_node({});
    setCurrentWidget(project_page_);
  }
}

}  // namespace nw::gui
