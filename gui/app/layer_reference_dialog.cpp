#include "app/layer_reference_dialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QSplitter>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "graph/registry.h"

namespace nw::gui {
namespace {

constexpr int kTypeRole = Qt::UserRole + 1;

QString range_text(const graph::ParamSpec& p) {
  if (!p.choices.empty()) {
    QStringList choices;
    for (const auto& c : p.choices) choices << QString::fromStdString(c);
    return choices.join(", ");
  }
  const bool has_min = p.min > -1e299, has_max = p.max < 1e299;
  if (!has_min && !has_max) return {};
  const QString lo = has_min ? QString::number(p.min) : QStringLiteral("-∞");
  const QString hi = has_max ? QString::number(p.max) : QStringLiteral("∞");
  return QStringLiteral("[%1, %2]").arg(lo, hi);
}

QString default_text(const graph::ParamSpec& p) {
  if (!p.default_value.is_null())
    return QString::fromStdString(p.default_value.dump()).toHtmlEscaped();
  return p.inferred ? QObject::tr("<i>inferred</i>") : QObject::tr("<b>required</b>");
}

}  // namespace

QString layer_reference_html(const QString& type) {
  const graph::LayerType* t = graph::Registry::instance().find(type.toStdString());
  if (!t) return {};
  auto esc = [](const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); };
  QString html = QStringLiteral("<h2>%1</h2><p><i>%2</i></p><p>%3</p>")
                     .arg(esc(t->name), esc(t->category), esc(t->description));
  auto ports = [&](const char* title, const std::vector<graph::PortSpec>& list) {
    if (list.empty()) return;
    html += QStringLiteral("<h3>%1</h3><ul>").arg(QObject::tr(title));
    for (const auto& port : list)
      html += QStringLiteral("<li><b>%1</b> %2</li>").arg(esc(port.name), esc(port.description));
    html += "</ul>";
  };
  ports("Inputs", t->inputs);
  ports("Outputs", t->outputs);
  if (t->params.empty()) return html + QObject::tr("<p>No parameters.</p>");
  html += QObject::tr(
      "<h3>Parameters</h3><table border=\"1\" cellspacing=\"0\" cellpadding=\"4\">"
      "<tr><th>name</th><th>kind</th><th>default</th><th>range</th>"
      "<th>description</th></tr>");
  for (const graph::ParamSpec& p : t->params)
    html +=
        QStringLiteral("<tr><td><b>%1</b></td><td>%2</td><td>%3</td><td>%4</td><td>%5</td></tr>")
            .arg(esc(p.name), graph::to_string(p.kind), default_text(p),
                 range_text(p).toHtmlEscaped(), esc(p.description));
  return html + "</table>";
}

LayerReferenceDialog::LayerReferenceDialog(QWidget* parent)
    : QDialog(parent), tree_(new QTreeWidget), details_(new QTextBrowser) {
  setWindowTitle(tr("Layer reference"));
  setObjectName("layerReferenceDialog");
  tree_->setHeaderLabels({tr("Layer"), tr("Description")});
  tree_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  const auto& registry = graph::Registry::instance();
  for (const std::string& category : graph::categories()) {
    auto* group = new QTreeWidgetItem(tree_, {QString::fromStdString(category)});
    group->setFlags(Qt::ItemIsEnabled);
    for (const graph::LayerType& t : registry.types()) {
      if (t.category != category) continue;
      auto* item = new QTreeWidgetItem(
          group, {QString::fromStdString(t.name), QString::fromStdString(t.description)});
      item->setData(0, kTypeRole, QString::fromStdString(t.name));
    }
    if (group->childCount() == 0) delete group;
  }
  tree_->expandAll();
  connect(tree_, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
    if (item && item->data(0, kTypeRole).isValid())
      show_details(item->data(0, kTypeRole).toString());
  });

  auto* splitter = new QSplitter(Qt::Horizontal);
  splitter->addWidget(tree_);
  splitter->addWidget(details_);
  splitter->setStretchFactor(1, 1);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(splitter);
  layout->addWidget(buttons);
  resize(900, 560);
  if (!registry.types().empty()) show_type(QString::fromStdString(registry.types().front().name));
}

bool LayerReferenceDialog::show_type(const QString& type) {
  for (QTreeWidgetItemIterator it(tree_); *it; ++it) {
    if ((*it)->data(0, kTypeRole).toString() == type) {
      tree_->setCurrentItem(*it);
      return true;
    }
  }
  return false;
}

int LayerReferenceDialog::type_count() const {
  int n = 0;
  for (QTreeWidgetItemIterator it(tree_); *it; ++it) n += (*it)->data(0, kTypeRole).isValid();
  return n;
}

void LayerReferenceDialog::show_details(const QString& type) {
  details_->setHtml(layer_reference_html(type));
}

}  // namespace nw::gui
