#include "editor/scope_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

#include "document/project_document.h"

namespace nw::gui {

ScopeBar::ScopeBar(ProjectDocument* doc, QWidget* parent)
    : QWidget(parent), doc_(doc), crumbs_(new QHBoxLayout), source_(new QLabel) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(6, 2, 6, 2);
  crumbs_->setSpacing(2);
  layout->addLayout(crumbs_);
  layout->addStretch(1);
  source_->setObjectName("scopeSource");
  source_->setEnabled(false);  // the platform's dim text: a note, not a control
  layout->addWidget(source_);
  connect(doc_, &ProjectDocument::scopeChanged, this, &ScopeBar::refresh);
  // Shapes come and go with the analysis (a use added or removed changes where they come from).
  connect(doc_, &ProjectDocument::analysisChanged, this, &ScopeBar::refresh);
  refresh();
}

QStringList ScopeBar::crumbs() const {
  QStringList out;
  for (int i = 0; i < crumbs_->count(); ++i)
    if (auto* b = qobject_cast<QToolButton*>(crumbs_->itemAt(i)->widget())) out << b->text();
  return out;
}

QString ScopeBar::source_text() const {
  return source_->text();
}

void ScopeBar::refresh() {
  const QStringList scope = doc_->scope();
  setVisible(!scope.isEmpty());
  const QStringList uses = doc_->scope_uses();
  source_->setText(scope.isEmpty()  ? QString()
                   : uses.isEmpty() ? tr("no use of this block: shapes unknown")
                                    : tr("shapes of use '%1'").arg(uses.join(QLatin1Char('/'))));
  if (scope == shown_ && crumbs_->count() > 0) return;
  shown_ = scope;
  // NOTE: deleted later, not now: refresh() runs inside the clicked() of one of these buttons.
  while (QLayoutItem* item = crumbs_->takeAt(0)) {
    QWidget* w = item->widget();
    w->hide();
    w->setParent(nullptr);
    w->deleteLater();
    delete item;
  }
  for (int level = 0; level <= scope.size(); ++level) {
    if (level > 0) crumbs_->addWidget(new QLabel(QStringLiteral("\u203a")));
    auto* b = new QToolButton;
    b->setObjectName(QStringLiteral("crumb%1").arg(level));
    b->setAutoRaise(true);
    b->setText(level == 0 ? tr("Project") : scope[level - 1]);
    b->setEnabled(level < scope.size());  // the open level is where one is
    connect(b, &QToolButton::clicked, this, [this, level] {
      doc_->set_scope(doc_->scope().mid(0, level), doc_->scope_uses().mid(0, level));
    });
    crumbs_->addWidget(b);
  }
}

}  // namespace nw::gui
