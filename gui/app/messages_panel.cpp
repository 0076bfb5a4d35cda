#include "app/messages_panel.h"

#include <QHeaderView>
#include <QStyle>
#include <QTime>

namespace nw::gui {
namespace {

constexpr int kNodeRole = Qt::UserRole + 1;

QString level_text(MessagesPanel::Level level) {
  switch (level) {
    case MessagesPanel::Level::Error:
      return QObject::tr("Error");
    case MessagesPanel::Level::Warning:
      return QObject::tr("Warning");
    case MessagesPanel::Level::Info:
      break;
  }
  return QObject::tr("Info");
}

}  // namespace

MessagesPanel::MessagesPanel(QWidget* parent) : QTreeWidget(parent) {
  setObjectName("messagesPanel");
  setColumnCount(kColumns);
  setHeaderLabels({tr("Level"), tr("Time"), tr("Where"), tr("Message")});
  setRootIsDecorated(false);
  setUniformRowHeights(true);
  setAlternatingRowColors(true);
  setWordWrap(false);
  header()->setStretchLastSection(true);
  for (int c : {kLevelColumn, kTimeColumn, kWhereColumn})
    header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
  // A single click selects the node: diagnostics are read, then acted upon, one at a time.
  connect(this, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) {
    const QString id = item->data(0, kNodeRole).toString();
    if (!id.isEmpty()) emit nodeActivated(id);
  });
  connect(this, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
    const QString id = item->data(0, kNodeRole).toString();
    if (!id.isEmpty()) emit nodeActivated(id);
  });
}

QTreeWidgetItem* MessagesPanel::make_item(Level level, const QString& time, const QString& where,
                                          const QString& text) const {
  auto* item = new QTreeWidgetItem({level_text(level), time, where, text});
  const auto icon = level == Level::Error     ? QStyle::SP_MessageBoxCritical
                    : level == Level::Warning ? QStyle::SP_MessageBoxWarning
                                              : QStyle::SP_MessageBoxInformation;
  item->setIcon(0, style()->standardIcon(icon));
  item->setToolTip(kMessageColumn, text);
  return item;
}

void MessagesPanel::set_diagnostics(const graph::Analysis& analysis, const graph::Graph& graph) {
  for (; diagnostics_ > 0; --diagnostics_) delete takeTopLevelItem(0);
  QList<QTreeWidgetItem*> items;
  for (const graph::Diagnostic& d : analysis.diagnostics) {
    const Level level =
        d.severity == graph::Diagnostic::Severity::Error ? Level::Error : Level::Warning;
    QString where = QString::fromStdString(d.node);
    if (!where.isEmpty() && d.port >= 0) where += tr(", input %1").arg(d.port);
    // Diagnostics describe the graph as it is now: no time, a place.
    auto* item = make_item(level, QString(), where, QString::fromStdString(d.message));
    item->setData(0, kNodeRole, QString::fromStdString(d.node));
    item->setToolTip(kMessageColumn, QString::fromStdString(d.to_string(graph)));
    items.append(item);
  }
  insertTopLevelItems(0, items);
  diagnostics_ = int(items.size());
}

void MessagesPanel::add_log(Level level, const QString& text) {
  const QString when = QTime::currentTime().toString("HH:mm:ss");
  // A log line says when; the place, where it has one, is in its text.
  addTopLevelItem(make_item(level, when, QString(), text));
  while (topLevelItemCount() - diagnostics_ > kMaxLogLines) delete takeTopLevelItem(diagnostics_);
  scrollToItem(topLevelItem(topLevelItemCount() - 1));
}

}  // namespace nw::gui
