#include "inspector/data_source_editor.h"

#include <algorithm>

#include <QDoubleValidator>
#include <QHBoxLayout>
#include <QLocale>
#include <QRegularExpressionValidator>
#include <QSignalBlocker>
#include <QToolButton>
#include <QVBoxLayout>

#include "inspector/checked_line_edit.h"
#include "inspector/inspector_style.h"

namespace nw::gui {

using json = nlohmann::json;

namespace {

const QString kNone = QStringLiteral("none");

QValidator* validator_for(SourceFieldKind kind, QObject* parent) {
  auto regex = [parent](const char* pattern) {
    return new QRegularExpressionValidator(QRegularExpression(QLatin1String(pattern)), parent);
  };
  switch (kind) {
    case SourceFieldKind::Int:
      return regex(R"(\s*\d+\s*)");
    case SourceFieldKind::IntList:
      return regex(R"(\s*\[?\s*\d+(\s*[,\s]\s*\d+)*\s*\]?\s*)");
    case SourceFieldKind::Size:
      return regex(R"(\s*\d+(\s*[,\s]\s*\d+)?\s*)");
    case SourceFieldKind::Number: {
      auto* v = new QDoubleValidator(0, 1e300, 12, parent);
      v->setNotation(QDoubleValidator::ScientificNotation);
      v->setLocale(QLocale::c());
      return v;
    }
    default:
      return nullptr;
  }
}

}  // namespace

DataSourceEditor::DataSourceEditor(const QString& where, bool optional, QWidget* parent)
    : QWidget(parent),
      where_(where),
      kind_(make_combo(this)),
      error_(make_error_label(this)),
      warning_(make_warning_label(this)) {
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(0, 0, 0, 0);
  QFormLayout* head = make_form();
  kind_->setObjectName(where + QStringLiteral(".source"));
  kind_->setToolTip(tr("Where the samples come from"));
  head->addRow(tr("Source"), kind_);
  column->addLayout(head);
  if (optional) {
    kind_->addItem(tr("None"), kNone);
    pages_.push_back(new QWidget(this));
  }
  for (const SourceKind& k : source_kinds()) {
    kind_->addItem(k.title, k.name);
    pages_.push_back(build_page(k));
  }
  for (QWidget* page : pages_) {
    column->addWidget(page);
    page->hide();
  }
  column->addWidget(error_);
  column->addWidget(warning_);
  connect(kind_, &QComboBox::activated, this, &DataSourceEditor::kind_chosen);
}

QWidget* DataSourceEditor::build_page(const SourceKind& kind) {
  auto* page = new QWidget(this);
  QFormLayout* form = make_form();
  form->setContentsMargins(0, 0, 0, 0);
  page->setLayout(form);
  for (const SourceField& f : kind.fields) {
    const QString name = where_ + QLatin1Char('.') + f.key;
    auto emit_value = [this, key = f.key](const json& v) { field_edited(key, v); };
    QWidget* editor = nullptr;
    QWidget* row = nullptr;
    std::function<void(const json&)> show;
    if (f.kind == SourceFieldKind::Bool || f.kind == SourceFieldKind::Choice) {
      // A combo box for switches too: unset ("detect", "no") differs from an explicit value.
      auto* combo = make_combo(page);
      if (!f.required)
        combo->addItem(
            f.placeholder.isEmpty() ? tr("(default)") : QStringLiteral("(%1)").arg(f.placeholder),
            QString());
      if (f.kind == SourceFieldKind::Bool) {
        combo->addItem(tr("yes"), QStringLiteral("true"));
        combo->addItem(tr("no"), QStringLiteral("false"));
      }
      for (const QString& c : f.choices) combo->addItem(c, c);
      connect(combo, &QComboBox::activated, this, [combo, f, emit_value](int i) {
        emit_value(field_value(f, combo->itemData(i).toString()).value_or(json()));
      });
      show = [combo, f](const json& v) {
        combo->setCurrentIndex(std::max(0, combo->findData(field_text(f, v))));
      };
      editor = row = combo;
    } else {
      auto* line = new CheckedLineEdit(page);
      line->set_empty_allowed(!f.required);
      if (QValidator* v = validator_for(f.kind, line)) line->setValidator(v);
      if (!f.required) line->setPlaceholderText(f.placeholder);
      connect(line, &CheckedLineEdit::committed, this,
              [this, line, f, emit_value](const QString& t) {
                if (auto v = field_value(f, t))
                  emit_value(*v);
                else
                  line->revert_to(
                      field_text(f, source_ ? source_->spec.value(sstr(f.key), json()) : json()));
              });
      show = [line, f](const json& v) { line->set_committed_text(field_text(f, v)); };
      editor = row = line;
      if (f.kind == SourceFieldKind::File || f.kind == SourceFieldKind::Folder) {
        row = new QWidget(page);
        auto* h = new QHBoxLayout(row);
        h->setContentsMargins(0, 0, 0, 0);
        auto* browse = new QToolButton(row);
        browse->setText(tr("Browse\u2026"));
        browse->setObjectName(name + QStringLiteral(".browse"));
        line->setParent(row);
        h->addWidget(line, 1);
        h->addWidget(browse);
        connect(browse, &QToolButton::clicked, this, [this, f, emit_value] {
          const QString path = ask_path(f);
          if (!path.isEmpty()) emit_value(json(sstr(path)));
        });
      }
    }
    editor->setObjectName(name);
    editor->setToolTip(f.hint);
    form->addRow(f.label, row);
    widgets_[kind.name][f.key] = editor;
    showers_[kind.name][f.key] = std::move(show);
  }
  return page;
}

QWidget* DataSourceEditor::field_widget(const QString& key) const {
  const QString kind = kind_->currentData().toString();
  auto k = widgets_.find(kind);
  if (k == widgets_.end()) return nullptr;
  auto w = k->second.find(key);
  return w == k->second.end() ? nullptr : w->second;
}

void DataSourceEditor::set_source(const std::optional<io::DataSource>& source) {
  source_ = source;
  const QString kind = source ? qstr(source->kind()) : kNone;
  {
    QSignalBlocker block(kind_);
    kind_->setCurrentIndex(std::max(0, kind_->findData(kind)));
  }
  for (size_t i = 0; i < pages_.size(); ++i) pages_[i]->setVisible(int(i) == kind_->currentIndex());
  auto shows = showers_.find(kind);
  if (shows == showers_.end()) return;
  for (auto& [key, show] : shows->second) {
    QWidget* w = widgets_[kind][key];
    QSignalBlocker block(w);
    show(source->spec.value(sstr(key), json()));
  }
}

void DataSourceEditor::show_error(const QString& text) {
  show_message(error_, text);
}
void DataSourceEditor::show_warning(const QString& text) {
  show_message(warning_, text);
}

QString DataSourceEditor::ask_path(const SourceField& field) {
  const QString caption = tr("Choose %1").arg(field.label.toLower());
  if (field.kind == SourceFieldKind::Folder) return pick_folder ? pick_folder(caption) : QString();
  return pick_file ? pick_file(caption, field.filter) : QString();
}

void DataSourceEditor::kind_chosen(int index) {
  const QString name = kind_->itemData(index).toString();
  if (source_ && qstr(source_->kind()) == name) return;
  show_error({});
  if (name == kNone) {
    emit edited(std::nullopt);
    return;
  }
  const SourceKind* kind = find_source_kind(name);
  io::DataSource next;
  next.spec = {{"source", sstr(name)}};
  for (const SourceField& f : kind->fields) {
    if (!f.initial.is_null()) next.spec[sstr(f.key)] = f.initial;
    if (f.required && (f.kind == SourceFieldKind::File || f.kind == SourceFieldKind::Folder)) {
      const QString path = ask_path(f);
      if (path.isEmpty()) {  // cancelled: the old source stays
        set_source(source_);
        return;
      }
      next.spec[sstr(f.key)] = sstr(path);
    }
  }
  // A source with splits starts at the one this editor is for: the test source's "test".
  const QString split = where_.section(QLatin1Char('.'), -1);
  for (const SourceField& f : kind->fields)
    if (f.key == QLatin1String("split") &&
        std::find(f.choices.begin(), f.choices.end(), split) != f.choices.end())
      next.spec["split"] = sstr(split);
  emit edited(next);
}

void DataSourceEditor::field_edited(const QString& key, const json& value) {
  show_error({});
  io::DataSource next = source_.value_or(io::DataSource{});
  if (!source_ || qstr(source_->kind()) != kind_->currentData().toString())
    next.spec = {{"source", sstr(kind_->currentData().toString())}};
  if (value.is_null())
    next.spec.erase(sstr(key));
  else
    next.spec[sstr(key)] = value;
  emit edited(next);
}

}  // namespace nw::gui
