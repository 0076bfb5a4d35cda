#include "inspector/transforms_editor.h"

#include <QCoreApplication>
#include <QHBoxLayout>
#include <QMenu>
#include <QRegularExpression>
#include <QToolButton>

#include "inspector/inspector_style.h"
#include "io/catalog.h"
#include "io/json_read.h"

namespace nw::gui {

using json = nlohmann::json;

namespace {

// What a new transform of this entry starts with: its required arguments' starters and every
// default, so that the row shows what it will do.
json starter(const io::TransformEntry& e) {
  return io::complete_spec(io::starter_spec(e), e);
}

}  // namespace

TransformsEditor::TransformsEditor(QWidget* parent)
    : QWidget(parent), rows_layout_(new QVBoxLayout), error_(make_error_label(this)) {
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(0, 0, 0, 0);
  rows_layout_->setContentsMargins(0, 0, 0, 0);
  column->addLayout(rows_layout_);
  auto* add_button = new QToolButton(this);
  add_button->setObjectName(QStringLiteral("data.transforms.add"));
  add_button->setText(tr("Add transform"));
  add_button->setPopupMode(QToolButton::InstantPopup);
  auto* menu = new QMenu(add_button);
  menu->setToolTipsVisible(true);
  for (const io::TransformEntry* e : io::transforms().entries()) {
    QAction* action =
        menu->addAction(qstr(e->name), this, [this, type = qstr(e->name)] { add(type); });
    action->setToolTip(QCoreApplication::translate("catalog", e->description.c_str()));
  }
  add_button->setMenu(menu);
  column->addWidget(add_button, 0, Qt::AlignLeft);
  column->addWidget(error_);
}

QString TransformsEditor::arguments_text(const json& transform) {
  QStringList parts;
  for (auto it = transform.begin(); it != transform.end(); ++it) {
    if (it.key() == "type") continue;
    const json& v = it.value();
    QString text;
    if (v.is_array())
      text = QLatin1Char('[') + list_text(v) + QLatin1Char(']');
    else if (v.is_string())
      text = qstr(v.dump());
    else
      text = list_text(v);
    parts << qstr(it.key()) + QLatin1Char('=') + text;
  }
  return parts.join(QStringLiteral(", "));
}

std::optional<json> TransformsEditor::parse_arguments(const QString& text) {
  // key=value pairs; a value is JSON (a number, [a list], "a word") or a bare word.
  static const QRegularExpression key(QStringLiteral(R"((?:^|,)\s*([A-Za-z_]\w*)\s*=)"));
  json out = json::object();
  const QString t = text.trimmed();
  if (t.isEmpty()) return out;
  std::vector<std::pair<QString, qsizetype>> keys;  // name, where its value starts
  std::vector<qsizetype> starts;
  for (auto it = key.globalMatch(t); it.hasNext();) {
    const auto m = it.next();
    keys.emplace_back(m.captured(1), m.capturedEnd(0));
    starts.push_back(m.capturedStart(0));
  }
  if (keys.empty() || starts.front() != 0) return std::nullopt;
  for (size_t i = 0; i < keys.size(); ++i) {
    const qsizetype end = i + 1 < keys.size() ? starts[i + 1] : t.size();
    const QString value = t.mid(keys[i].second, end - keys[i].second).trimmed();
    if (value.isEmpty()) return std::nullopt;
    std::optional<json> v = io::try_parse_json(sstr(value));
    if (!v) {
      if (value.contains(QLatin1Char(',')) || value.contains(QLatin1Char('['))) return std::nullopt;
      v = sstr(value);
    }
    out[sstr(keys[i].first)] = *v;
  }
  return out;
}

void TransformsEditor::set_transforms(const json& list) {
  const bool same_shape = list.is_array() && list.size() == list_.size() && [&] {
    for (size_t i = 0; i < list.size(); ++i)
      if (list[i].value("type", json()) != list_[i].value("type", json())) return false;
    return true;
  }();
  list_ = list.is_array() ? list : json::array();
  if (!same_shape) {
    rebuild();
    return;
  }
  for (size_t i = 0; i < rows_.size(); ++i)
    rows_[i].args->set_committed_text(arguments_text(list_[i]));
}

void TransformsEditor::show_error(const QString& text) {
  show_message(error_, text);
}

void TransformsEditor::rebuild() {
  // Later, not now: the row's own remove button may be the one emitting.
  for (Row& r : rows_) {
    r.widget->hide();
    r.widget->deleteLater();
  }
  rows_.clear();
  for (size_t i = 0; i < list_.size(); ++i) {
    auto* row = new QWidget(this);
    auto* h = new QHBoxLayout(row);
    h->setContentsMargins(0, 0, 0, 0);
    const QString type = qstr(list_[i].value("type", std::string("?")));
    auto* label = new QLabel(type, row);
    label->setMinimumWidth(label->fontMetrics().horizontalAdvance(QStringLiteral("MMMMMMMMM")));
    auto* args = new CheckedLineEdit(row);
    args->setObjectName(QStringLiteral("data.transforms[%1]").arg(i));
    args->set_empty_allowed(true);
    args->setToolTip(tr("Arguments as key=value, separated by commas: mean=[0.286], std=[0.353]"));
    args->set_committed_text(arguments_text(list_[i]));
    // Order matters (augmentations before normalizing, normalizing after scaling).
    auto* up = new QToolButton(row);
    up->setText(QStringLiteral("\u2191"));
    up->setToolTip(tr("Apply this transform one step earlier"));
    up->setEnabled(i > 0);
    up->setObjectName(QStringLiteral("data.transforms[%1].up").arg(i));
    auto* down = new QToolButton(row);
    down->setText(QStringLiteral("\u2193"));
    down->setToolTip(tr("Apply this transform one step later"));
    down->setEnabled(i + 1 < list_.size());
    down->setObjectName(QStringLiteral("data.transforms[%1].down").arg(i));
    auto* remove = new QToolButton(row);
    remove->setText(QStringLiteral("\u2715"));
    remove->setToolTip(tr("Remove this transform"));
    remove->setObjectName(QStringLiteral("data.transforms[%1].remove").arg(i));
    h->addWidget(label);
    h->addWidget(args, 1);
    h->addWidget(up);
    h->addWidget(down);
    h->addWidget(remove);
    rows_layout_->addWidget(row);
    rows_.push_back({row, args});
    connect(up, &QToolButton::clicked, this, [this, i] { move(i, i - 1); });
    connect(down, &QToolButton::clicked, this, [this, i] { move(i, i + 1); });
    connect(args, &CheckedLineEdit::committed, this, [this, i, args](const QString& text) {
      auto parsed = parse_arguments(text);
      if (!parsed) {
        args->revert_to(arguments_text(list_[i]));
        show_error(
            tr("Write the arguments as key=value, separated by commas, e.g. "
               "mean=[0.5], std=[0.5]"));
        return;
      }
      show_error({});
      json next = list_;
      json item = {{"type", list_[i]["type"]}};
      item.update(*parsed);
      next[i] = item;
      emit edited(next);
    });
    connect(remove, &QToolButton::clicked, this, [this, i] {
      json next = list_;
      next.erase(i);
      emit edited(next);
    });
  }
}

void TransformsEditor::move(size_t from, size_t to) {
  if (from >= list_.size() || to >= list_.size()) return;
  json next = list_;
  std::swap(next[from], next[to]);
  emit edited(next);
}

void TransformsEditor::add(const QString& type) {
  const io::TransformEntry* e = io::transforms().find(sstr(type));
  if (!e) return;
  json next = list_;
  next.push_back(starter(*e));
  emit edited(next);
}

}  // namespace nw::gui
